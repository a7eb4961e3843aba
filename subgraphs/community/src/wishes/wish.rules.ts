import { accept, communityError, refuse, type Checked, type ErrorOf } from '../community-errors';
import { checkText, TEXT_LIMITS } from '../text.rules';

export type WishStatus = 'OPEN' | 'ADOPTED' | 'ARCHIVED';

/** At most this many themes per wish, so a theme still says something. */
export const MAX_WISH_THEMES = 5;

/**
 * A wish's public status. Archiving is community's own decision; adoption is
 * the projects subgraph's, learnt through the graph as the projects that take
 * the wish up (absent when the caller did not ask projects).
 */
export function wishStatus(wish: { archivedAt: Date | null }, projects?: readonly unknown[] | null): WishStatus {
  if (wish.archivedAt !== null) return 'ARCHIVED';
  return projects && projects.length > 0 ? 'ADOPTED' : 'OPEN';
}

export interface WishDraft {
  title: string;
  description: string;
  themeIds: string[];
}

type WishDraftError = ErrorOf<'EmptyValue' | 'ValueTooLong' | 'ValueOutOfRange' | 'UnknownTheme'>;

/** Checks a new wish against the neighbourhood's themes; returns it trimmed, each theme once. */
export function checkWishDraft(input: WishDraft, neighbourhoodThemeIds: ReadonlySet<string>): Checked<WishDraft, WishDraftError> {
  const title = checkText(input.title, { field: 'title', max: TEXT_LIMITS.title, required: true });
  if (!title.ok) return title;
  const description = checkText(input.description, { field: 'description', max: TEXT_LIMITS.description, required: false });
  if (!description.ok) return description;
  const themeIds = [...new Set(input.themeIds)];
  if (themeIds.length > MAX_WISH_THEMES) {
    return refuse(communityError.valueOutOfRange('themeIds', 0, MAX_WISH_THEMES, 'must name a number of themes'));
  }
  const unknown = themeIds.find((id) => !neighbourhoodThemeIds.has(id));
  if (unknown !== undefined) return refuse(communityError.unknownTheme('themeIds', unknown));
  return accept({ title: title.value, description: description.value, themeIds });
}
