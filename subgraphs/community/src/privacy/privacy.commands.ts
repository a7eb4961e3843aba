import type { DataSource } from 'typeorm';
import { isUuid, type ErasedMemberSource } from '@dbwe/platform';
import type { EventRecorder } from '@dbwe/platform';
import { communityEvent } from '../events';
import { revokeAllOffices } from '../roles/offices';
import { roleEvent } from '../roles/role.events';
import { MemberEntity } from '../members/member.entity';
import { WishEntity } from '../wishes/wish.entity';
import { anonymousLabel, toExport, type HeldData } from './privacy.rules';

/** Everything community holds about a member, read in one transaction so the export is consistent. */
export async function exportMemberData(db: DataSource, memberId: string): Promise<Record<string, unknown>> {
  return db.transaction('REPEATABLE READ', async (tx) => {
    const member = await tx.getRepository(MemberEntity).findOneBy({ id: memberId });
    if (!member || member.erasedAt !== null) return toExport({ member: null, wishes: [], supports: [], ballots: [], webhooks: [] });
    const wishes = await tx.getRepository(WishEntity).find({ where: { authorId: memberId }, order: { createdAt: 'ASC', id: 'ASC' } });
    const supports: HeldData['supports'] = await tx.query(
      `SELECT s.wish_id AS "wishId", w.title, s.created_at AS "supportedAt"
         FROM community.wish_support s JOIN community.wish w ON w.id = s.wish_id
        WHERE s.member_id = $1 ORDER BY s.created_at, s.id`,
      [memberId],
    );
    const ballots: HeldData['ballots'] = await tx.query(
      `SELECT b.poll_id AS "pollId", p.title, b.updated_at AS "updatedAt",
              coalesce(json_agg(json_build_object('themeId', a.theme_id, 'theme', t.name, 'points', a.points) ORDER BY pt.position)
                       FILTER (WHERE a.theme_id IS NOT NULL), '[]') AS allocations
         FROM community.poll_ballot b
         JOIN community.poll p ON p.id = b.poll_id
         LEFT JOIN community.poll_allocation a ON a.ballot_id = b.id
         LEFT JOIN community.poll_theme pt ON pt.poll_id = a.poll_id AND pt.theme_id = a.theme_id
         LEFT JOIN community.theme t ON t.id = a.theme_id
        WHERE b.member_id = $1
        GROUP BY b.id, p.title ORDER BY b.updated_at, b.id`,
      [memberId],
    );
    const webhooks: HeldData['webhooks'] = await tx.query(
      `SELECT id, neighbourhood_id AS "neighbourhoodId", url, event_types AS "eventTypes", active, created_at AS "createdAt"
         FROM community.webhook_subscription WHERE member_id = $1 ORDER BY created_at, id`,
      [memberId],
    );
    return toExport({
      member,
      webhooks,
      wishes: wishes.map(({ id, neighbourhoodId, title, description, createdAt, archivedAt }) => ({
        id,
        neighbourhoodId,
        title,
        description,
        createdAt,
        archivedAt,
      })),
      supports,
      ballots,
    });
  });
}

/**
 * Erases a member: personal data and pseudonym go, supports and ballots lose
 * their link to the member (so they count, anonymously), and the id stays so
 * that wishes, projects and ledger facts that refer to it still resolve.
 * Erasing an erased member changes nothing.
 */
export async function eraseMember(db: DataSource, memberId: string, events: EventRecorder): Promise<MemberEntity> {
  return db.transaction(async (tx) => {
    const repository = tx.getRepository(MemberEntity);
    const member = await repository.findOne({ where: { id: memberId }, lock: { mode: 'pessimistic_write' } });
    if (!member) throw new Error(`member ${memberId} vanished during erasure`);
    if (member.erasedAt !== null) return member;
    const now = new Date();
    const erased = {
      displayName: anonymousLabel(),
      roles: [],
      fullName: null,
      email: null,
      phone: null,
      address: null,
      erasedAt: now,
      updatedAt: now,
    };
    await repository.update({ id: memberId }, erased);
    await tx.query(`UPDATE community.wish_support SET member_id = NULL WHERE member_id = $1`, [memberId]);
    await tx.query(`UPDATE community.poll_ballot SET member_id = NULL WHERE member_id = $1`, [memberId]);
    // An erased member's webhooks stop: their URLs and secrets are theirs, and nobody may manage them any more.
    await tx.query(`DELETE FROM community.webhook_subscription WHERE member_id = $1`, [memberId]);
    // Their offices end with them: nobody holds an office as an anonymous label. The rows stay, as the offices' history.
    const ended = await revokeAllOffices(tx, memberId, now, 'The holder used the right to erasure.');
    for (const office of ended) {
      await events.record(tx, roleEvent.revoked(office, { actorId: memberId, role: 'resident', reason: office.revokeReason, public: true }));
    }
    await events.record(tx, communityEvent.memberErased({ ...member, ...erased }));
    return { ...member, ...erased };
  });
}

/** Community's own record of who was erased, for the kit's refusal of their writes (member-standing.ts). */
export function erasedMemberSource(db: DataSource): ErasedMemberSource {
  return {
    async isErased(memberId) {
      if (!isUuid(memberId)) return false;
      const rows: { erased: boolean }[] = await db.query(`SELECT erased_at IS NOT NULL AS erased FROM community.member WHERE id = $1`, [memberId]);
      return rows[0]?.erased === true;
    },
  };
}
