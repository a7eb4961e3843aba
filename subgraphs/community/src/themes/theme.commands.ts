import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { EventRecorder } from '@dbwe/platform';
import { communityEvent } from '../events';
import { communityError, type ErrorOf } from '../community-errors';
import { ThemeEntity } from './theme.entity';
import { checkThemeDraft } from './theme.rules';

type Outcome = { ok: true; theme: ThemeEntity } | { ok: false; error: ErrorOf<'InvalidSlug' | 'EmptyValue' | 'ValueTooLong' | 'ThemeSlugTaken'> };

/** Adds a theme; the unique constraint on (neighbourhood, slug) decides a race between two stewards. */
export async function addTheme(db: DataSource, neighbourhoodId: string, input: { slug: string; name: string; description?: string | null }, events: EventRecorder): Promise<Outcome> {
  const checked = checkThemeDraft(input);
  if (!checked.ok) return checked;
  const now = new Date();
  const theme: ThemeEntity = { id: randomUUID(), neighbourhoodId, ...checked.value, createdAt: now, updatedAt: now };
  const inserted = await db.transaction(async (tx) => {
    const result = await tx.createQueryBuilder().insert().into(ThemeEntity).values(theme).orIgnore().returning('id').execute();
    if (result.raw.length > 0) await events.record(tx, communityEvent.themeAdded(theme));
    return result;
  });
  if (inserted.raw.length === 0) {
    const existing = await db.getRepository(ThemeEntity).findOneByOrFail({ neighbourhoodId, slug: theme.slug });
    return { ok: false, error: communityError.themeSlugTaken(existing) };
  }
  return { ok: true, theme };
}
