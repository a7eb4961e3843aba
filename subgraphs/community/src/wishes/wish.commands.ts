import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import type { EventRecorder } from '@dbwe/platform';
import { communityEvent } from '../events';
import { communityError, type ErrorOf } from '../community-errors';
import { ThemeEntity } from '../themes/theme.entity';
import { publishedCount, type SmallGroupPolicy } from '../privacy/small-groups';
import type { MemberEntity } from '../members/member.entity';
import { WishEntity } from './wish.entity';
import { checkWishDraft, type WishDraft } from './wish.rules';

type Outcome<E> = { ok: true; wish: WishEntity } | { ok: false; error: E };

/** Posts a wish by the author in their neighbourhood; the neighbourhood was checked by the caller. */
export async function postWish(db: DataSource, author: MemberEntity, neighbourhoodId: string, input: WishDraft, events: EventRecorder): Promise<Outcome<ErrorOf<'EmptyValue' | 'ValueTooLong' | 'ValueOutOfRange' | 'UnknownTheme'>>> {
  return db.transaction(async (tx) => {
    const themes = await tx.getRepository(ThemeEntity).find({ where: { neighbourhoodId }, select: { id: true } });
    const checked = checkWishDraft(input, new Set(themes.map((t) => t.id)));
    if (!checked.ok) return checked;
    const now = new Date();
    const wish: WishEntity = {
      id: randomUUID(),
      neighbourhoodId,
      authorId: author.id,
      title: checked.value.title,
      description: checked.value.description,
      archivedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await tx.getRepository(WishEntity).insert(wish);
    if (checked.value.themeIds.length > 0) {
      await tx.query(
        `INSERT INTO community.wish_theme (neighbourhood_id, wish_id, theme_id) SELECT $1, $2, unnest($3::uuid[])`,
        [neighbourhoodId, wish.id, checked.value.themeIds],
      );
    }
    await events.record(tx, communityEvent.wishPosted(wish, checked.value.themeIds));
    return { ok: true, wish };
  });
}

/**
 * Adds a member's support. The unique constraint decides "once per member",
 * so two concurrent clicks still count once.
 */
export async function supportWish(
  db: DataSource,
  member: MemberEntity,
  wish: WishEntity,
  events: EventRecorder,
  smallGroups: SmallGroupPolicy,
): Promise<Outcome<ErrorOf<'WishArchived' | 'AlreadySupported'>>> {
  if (wish.archivedAt !== null) return { ok: false, error: communityError.wishArchived() };
  return db.transaction(async (tx) => {
    const inserted: unknown[] = await tx.query(
      `INSERT INTO community.wish_support (wish_id, member_id) VALUES ($1, $2)
       ON CONFLICT ON CONSTRAINT wish_support_once_per_member DO NOTHING RETURNING id`,
      [wish.id, member.id],
    );
    if (inserted.length === 0) return { ok: false, error: communityError.alreadySupported(wish) };
    const touched = await touch(tx.getRepository(WishEntity), wish);
    await events.record(tx, communityEvent.wishSupportChanged(touched, await publicStep(tx, wish.id, -1, smallGroups)));
    return { ok: true, wish: touched };
  });
}

export async function withdrawSupport(
  db: DataSource,
  member: MemberEntity,
  wish: WishEntity,
  events: EventRecorder,
  smallGroups: SmallGroupPolicy,
): Promise<Outcome<ErrorOf<'NotSupported'>>> {
  return db.transaction(async (tx) => {
    const deleted = await tx
      .createQueryBuilder()
      .delete()
      .from('wish_support')
      .where('wish_id = :wish AND member_id = :member', { wish: wish.id, member: member.id })
      .execute();
    if (!deleted.affected) return { ok: false, error: communityError.notSupported(wish) };
    const touched = await touch(tx.getRepository(WishEntity), wish);
    await events.record(tx, communityEvent.wishSupportChanged(touched, await publicStep(tx, wish.id, +1, smallGroups)));
    return { ok: true, wish: touched };
  });
}

/** Archives an open (or adopted) wish; the conditional update makes a concurrent second archive a WishArchived. */
export async function archiveWish(db: DataSource, wish: WishEntity, events: EventRecorder): Promise<Outcome<ErrorOf<'WishArchived'>>> {
  const now = new Date();
  const archived = { ...wish, archivedAt: now, updatedAt: now };
  const updated = await db.transaction(async (tx) => {
    const result = await tx
      .createQueryBuilder()
      .update(WishEntity)
      .set({ archivedAt: now, updatedAt: now })
      .where('id = :id AND archived_at IS NULL', { id: wish.id })
      .execute();
    if (result.affected) await events.record(tx, communityEvent.wishArchived(archived));
    return result;
  });
  if (!updated.affected) return { ok: false, error: communityError.wishArchived() };
  return { ok: true, wish: archived };
}

/** A change of support count is a change of the wish, so "changed since" sync picks it up. */
async function touch(repository: Repository<WishEntity>, wish: WishEntity): Promise<WishEntity> {
  const updatedAt = new Date();
  await repository.update({ id: wish.id }, { updatedAt });
  return { ...wish, updatedAt };
}

/**
 * What the public sees of a change of support: the published count after it
 * (null below the minimum group size) and whether the change shows at all
 * (the count before or after it is published). Counted after `touch`, whose
 * row lock makes concurrent changes of one wish count one after the other.
 */
async function publicStep(tx: EntityManager, wishId: string, beforeOffset: number, smallGroups: SmallGroupPolicy): Promise<{ supporters: number | null; visible: boolean }> {
  const [{ count }]: { count: number }[] = await tx.query(`SELECT count(*)::int AS count FROM community.wish_support WHERE wish_id = $1`, [wishId]);
  const before = count + beforeOffset;
  return { supporters: publishedCount(count, smallGroups), visible: publishedCount(count, smallGroups) !== null || publishedCount(before, smallGroups) !== null };
}
