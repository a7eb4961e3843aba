import { accept, communityError, refuse, type Checked, type ErrorOf } from '../community-errors';
import { checkOptionalText, checkText, TEXT_LIMITS } from '../text.rules';

export const POLL_THEMES = { min: 2, max: 12 } as const;
export const POLL_BUDGET = { min: 1, max: 1000 } as const;

export interface PollDraft {
  title: string;
  description: string | null;
  themeIds: string[];
  pointsBudget: number;
}

type PollDraftError = ErrorOf<'EmptyValue' | 'ValueTooLong' | 'ValueOutOfRange' | 'UnknownTheme'>;

/** Checks a new poll against the neighbourhood's themes. */
export function checkPollDraft(
  input: { title: string; description?: string | null; themeIds: string[]; pointsBudget: number },
  neighbourhoodThemeIds: ReadonlySet<string>,
): Checked<PollDraft, PollDraftError> {
  const title = checkText(input.title, { field: 'title', max: TEXT_LIMITS.title, required: true });
  if (!title.ok) return title;
  const description = checkOptionalText(input.description, { field: 'description', max: TEXT_LIMITS.description });
  if (!description.ok) return description;
  const themeIds = [...new Set(input.themeIds)];
  if (themeIds.length !== input.themeIds.length || themeIds.length < POLL_THEMES.min || themeIds.length > POLL_THEMES.max) {
    return refuse(communityError.valueOutOfRange('themeIds', POLL_THEMES.min, POLL_THEMES.max, 'must name, each once, a number of themes'));
  }
  const unknown = themeIds.find((id) => !neighbourhoodThemeIds.has(id));
  if (unknown !== undefined) return refuse(communityError.unknownTheme('themeIds', unknown));
  if (!Number.isInteger(input.pointsBudget) || input.pointsBudget < POLL_BUDGET.min || input.pointsBudget > POLL_BUDGET.max) {
    return refuse(communityError.valueOutOfRange('pointsBudget', POLL_BUDGET.min, POLL_BUDGET.max));
  }
  return accept({ title: title.value, description: description.value, themeIds, pointsBudget: input.pointsBudget });
}

export interface PollState {
  pointsBudget: number;
  closedAt: Date | null;
  /** The poll's themes in their order. */
  themeIds: readonly string[];
}

export interface ThemePointsValue {
  themeId: string;
  points: number;
}

type AllocationError = ErrorOf<'PollClosed' | 'UnknownTheme' | 'InvalidAllocation' | 'OverBudget'>;

/**
 * Checks a resident's division of points. Returns one entry per poll theme,
 * in the poll's order, themes left out at 0.
 */
export function checkAllocation(poll: PollState, allocations: readonly ThemePointsValue[]): Checked<ThemePointsValue[], AllocationError> {
  if (poll.closedAt !== null) return refuse(communityError.pollClosed(poll.closedAt));
  const given = new Map<string, number>();
  for (const { themeId, points } of allocations) {
    if (!poll.themeIds.includes(themeId)) return refuse(communityError.unknownTheme('allocations', themeId, 'this poll'));
    if (given.has(themeId)) return refuse(communityError.invalidAllocation(`Theme ${themeId} is named twice; give each theme once.`));
    if (!Number.isInteger(points) || points < 0) {
      return refuse(communityError.invalidAllocation(`Points must be whole numbers of 0 or more, got ${points}.`));
    }
    given.set(themeId, points);
  }
  const total = [...given.values()].reduce((sum, points) => sum + points, 0);
  if (total > poll.pointsBudget) return refuse(communityError.overBudget(poll.pointsBudget, total));
  return accept(poll.themeIds.map((themeId) => ({ themeId, points: given.get(themeId) ?? 0 })));
}

/** The public result: per poll theme, in the poll's order, the sum of everyone's points. */
export function tally(themeIds: readonly string[], allocations: readonly ThemePointsValue[]): ThemePointsValue[] {
  const sums = new Map<string, number>(themeIds.map((id) => [id, 0]));
  for (const { themeId, points } of allocations) {
    if (sums.has(themeId)) sums.set(themeId, sums.get(themeId)! + points);
  }
  return themeIds.map((themeId) => ({ themeId, points: sums.get(themeId)! }));
}

/** A resident's division as the API shows it to them. */
export interface AllocationView {
  points: ThemePointsValue[];
  total: number;
  updatedAt: Date;
}

/** Shapes a stored ballot for its owner: every poll theme in order, missing ones at 0. */
export function allocationView(themeIds: readonly string[], ballot: { allocations: readonly ThemePointsValue[]; updatedAt: Date | string }): AllocationView {
  const points = tally(themeIds, ballot.allocations);
  return { points, total: points.reduce((sum, p) => sum + p.points, 0), updatedAt: new Date(ballot.updatedAt) };
}
