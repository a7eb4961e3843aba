import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AuditFact, EventRecorder } from '@dbwe/platform';
import { communityEvent } from '../events';
import { communityError, type ErrorOf } from '../community-errors';
import { ThemeEntity } from '../themes/theme.entity';
import { PollEntity } from './poll.entity';
import { allocationView, checkAllocation, checkPollDraft, type AllocationView, type ThemePointsValue } from './poll.rules';

type Outcome<T, E> = { ok: true; value: T } | { ok: false; error: E };

export async function openPoll(
  db: DataSource,
  neighbourhoodId: string,
  input: { title: string; description?: string | null; themeIds: string[]; pointsBudget: number },
  audit: AuditFact,
  events: EventRecorder,
): Promise<Outcome<PollEntity, ErrorOf<'EmptyValue' | 'ValueTooLong' | 'ValueOutOfRange' | 'UnknownTheme'>>> {
  return db.transaction(async (tx) => {
    const themes = await tx.getRepository(ThemeEntity).find({ where: { neighbourhoodId }, select: { id: true } });
    const checked = checkPollDraft(input, new Set(themes.map((t) => t.id)));
    if (!checked.ok) return checked;
    const now = new Date();
    const poll: PollEntity = {
      id: randomUUID(),
      neighbourhoodId,
      title: checked.value.title,
      description: checked.value.description,
      pointsBudget: checked.value.pointsBudget,
      openedAt: now,
      closedAt: null,
      updatedAt: now,
    };
    await tx.getRepository(PollEntity).insert(poll);
    await tx.query(
      `INSERT INTO community.poll_theme (neighbourhood_id, poll_id, theme_id, position)
       SELECT $1, $2, theme_id, position FROM unnest($3::uuid[]) WITH ORDINALITY AS t(theme_id, position)`,
      [neighbourhoodId, poll.id, checked.value.themeIds],
    );
    await events.record(tx, communityEvent.pollOpened(poll, checked.value.themeIds, audit));
    return { ok: true, value: poll };
  });
}

export async function closePoll(db: DataSource, pollId: string, audit: AuditFact, events: EventRecorder): Promise<Outcome<PollEntity, ErrorOf<'PollNotFound' | 'PollClosed'>>> {
  return db.transaction(async (tx) => {
    const poll = await tx.getRepository(PollEntity).findOne({ where: { id: pollId }, lock: { mode: 'pessimistic_write' } });
    if (!poll) return { ok: false, error: communityError.pollNotFound() };
    if (poll.closedAt !== null) return { ok: false, error: communityError.pollClosed(poll.closedAt) };
    const now = new Date();
    await tx.getRepository(PollEntity).update({ id: poll.id }, { closedAt: now, updatedAt: now });
    const closed = { ...poll, closedAt: now, updatedAt: now };
    await events.record(tx, communityEvent.pollClosed(closed, audit));
    return { ok: true, value: closed };
  });
}

/**
 * Records (or replaces) a member's division of points. The poll row is locked
 * for share, so a concurrent close waits and no ballot lands after it.
 */
export async function allocatePoints(
  db: DataSource,
  memberId: string,
  pollId: string,
  allocations: readonly ThemePointsValue[],
): Promise<Outcome<{ poll: PollEntity; allocation: AllocationView }, ErrorOf<'PollNotFound' | 'PollClosed' | 'UnknownTheme' | 'OverBudget' | 'InvalidAllocation'>>> {
  return db.transaction(async (tx) => {
    const poll = await tx.getRepository(PollEntity).findOne({ where: { id: pollId }, lock: { mode: 'pessimistic_read' } });
    if (!poll) return { ok: false, error: communityError.pollNotFound() };
    const themeRows: { themeId: string }[] = await tx.query(
      `SELECT theme_id AS "themeId" FROM community.poll_theme WHERE poll_id = $1 ORDER BY position`,
      [poll.id],
    );
    const themeIds = themeRows.map((r) => r.themeId);
    const checked = checkAllocation({ pointsBudget: poll.pointsBudget, closedAt: poll.closedAt, themeIds }, allocations);
    if (!checked.ok) return checked;

    const now = new Date();
    const [ballot]: { id: string }[] = await tx.query(
      `INSERT INTO community.poll_ballot (poll_id, member_id, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT ON CONSTRAINT poll_ballot_once_per_member DO UPDATE SET updated_at = EXCLUDED.updated_at
       RETURNING id`,
      [poll.id, memberId, now],
    );
    await tx.query(`DELETE FROM community.poll_allocation WHERE ballot_id = $1`, [ballot.id]);
    const given = checked.value.filter((a) => a.points > 0);
    if (given.length > 0) {
      await tx.query(
        `INSERT INTO community.poll_allocation (ballot_id, poll_id, theme_id, points)
         SELECT $1, $2, unnest($3::uuid[]), unnest($4::int[])`,
        [ballot.id, poll.id, given.map((a) => a.themeId), given.map((a) => a.points)],
      );
    }
    // The results changed, so the poll changed.
    await tx.getRepository(PollEntity).update({ id: poll.id }, { updatedAt: now });
    return {
      ok: true,
      value: { poll: { ...poll, updatedAt: now }, allocation: allocationView(themeIds, { allocations: checked.value, updatedAt: now }) },
    };
  });
}
