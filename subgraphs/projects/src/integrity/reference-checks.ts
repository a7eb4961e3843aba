import { checkingReferences, referenceProblem, type MemberFacts, type ReferenceProblem } from '@dbwe/platform';
import { wishInOtherNeighbourhood } from '../shared/results';
import type { ProjectsReferences, ThemeFacts, WishFacts } from './references.service';

/**
 * The refusals of a write whose ids do not hold (DOMAIN.md, "Neighbourhoods
 * are tenants"), as the schema's error types. The facts come from
 * ProjectsReferences; the rule that judges them is the kit's referenceProblem.
 */

/** In which capacity a write names a member; each has error types of its own, so a client sees which input was refused. */
type MemberCapacity = 'participant' | 'coChallenger';

const memberRefusals = {
  participant: { UNKNOWN: 'UnknownParticipant', IN_OTHER_NEIGHBOURHOOD: 'ParticipantInOtherNeighbourhood', ERASED: 'ParticipantErased' },
  coChallenger: { UNKNOWN: 'UnknownCoChallenger', IN_OTHER_NEIGHBOURHOOD: 'CoChallengerInOtherNeighbourhood', ERASED: 'CoChallengerErased' },
} as const;

const memberCodes = { UNKNOWN: 'UNKNOWN_MEMBER', IN_OTHER_NEIGHBOURHOOD: 'MEMBER_IN_OTHER_NEIGHBOURHOOD', ERASED: 'MEMBER_ERASED' } as const;

const memberMessages: Record<ReferenceProblem, (memberId: string) => string> = {
  UNKNOWN: (id) => `No member has id ${id}: they never registered, or the id is made up.`,
  IN_OTHER_NEIGHBOURHOOD: (id) => `Member ${id} belongs to another neighbourhood; only members of this neighbourhood can be named here.`,
  ERASED: (id) => `Member ${id} used their right to erasure and can no longer be named here.`,
};

type MemberRefusal<C extends MemberCapacity> = {
  [P in ReferenceProblem]: {
    __typename: (typeof memberRefusals)[C][P];
    code: (typeof memberCodes)[P];
    message: string;
    field: string;
    memberId: string;
    member: { id: string } | null;
  };
}[ReferenceProblem];

/** Why this member may not be named in a write of this neighbourhood, or null when they may. */
function memberRefusal<C extends MemberCapacity>(
  capacity: C,
  memberId: string,
  facts: MemberFacts | null,
  neighbourhoodId: string,
  field: string,
): MemberRefusal<C> | null {
  const problem = referenceProblem(facts, neighbourhoodId);
  if (problem === null) return null;
  return {
    __typename: memberRefusals[capacity][problem],
    code: memberCodes[problem],
    message: memberMessages[problem](memberId),
    field,
    memberId,
    member: problem === 'IN_OTHER_NEIGHBOURHOOD' ? { id: memberId } : null,
  } as MemberRefusal<C>;
}

/** The first of the members that may not be named, in the order given; each looked up once, all in one graph query. */
export async function firstMemberRefusal<C extends MemberCapacity>(
  references: ProjectsReferences,
  capacity: C,
  memberIds: readonly string[],
  neighbourhoodId: string,
  fieldOf: (index: number) => string,
): Promise<MemberRefusal<C> | null> {
  const facts = await checkingReferences('The members named', () => Promise.all(memberIds.map((id) => references.member(id))));
  for (const [index, memberId] of memberIds.entries()) {
    const refusal = memberRefusal(capacity, memberId, facts[index], neighbourhoodId, fieldOf(index));
    if (refusal) return refusal;
  }
  return null;
}

const neighbourhoodNotServed = (neighbourhoodId: string) => ({
  __typename: 'NeighbourhoodNotServed' as const,
  code: 'UNKNOWN_NEIGHBOURHOOD' as const,
  message: `No neighbourhood with id ${neighbourhoodId} is served by this installation.`,
  field: 'neighbourhoodId',
  neighbourhoodId,
});

const unknownWish = (wishId: string, field: string) => ({
  __typename: 'UnknownWish' as const,
  code: 'UNKNOWN_WISH' as const,
  message: `No wish has id ${wishId}.`,
  field,
  wishId,
});

const themeNotInNeighbourhood = (themeId: string, field: string) => ({
  __typename: 'ThemeNotInNeighbourhood' as const,
  code: 'THEME_NOT_IN_NEIGHBOURHOOD' as const,
  message: `Theme ${themeId} is not one of this neighbourhood's themes.`,
  field,
  themeId,
});

/** Refuses a neighbourhood the community does not know (a new project or bid; an existing one's was checked when it was made). */
export async function neighbourhoodRefusal(references: ProjectsReferences, neighbourhoodId: string) {
  const neighbourhood = await checkingReferences('The neighbourhood', () => references.neighbourhood(neighbourhoodId));
  return neighbourhood ? null : neighbourhoodNotServed(neighbourhoodId);
}

/**
 * Refuses a theme that is not one of the neighbourhood's (another
 * neighbourhood's, or none at all); with `newProject`, also a neighbourhood
 * the community does not know, looked up once for both.
 */
export async function themeRefusal(references: ProjectsReferences, neighbourhoodId: string, themeIds: readonly string[]): Promise<ReturnType<typeof themeNotInNeighbourhood> | null>;
export async function themeRefusal(
  references: ProjectsReferences,
  neighbourhoodId: string,
  themeIds: readonly string[],
  newProject: true,
): Promise<ReturnType<typeof themeNotInNeighbourhood> | ReturnType<typeof neighbourhoodNotServed> | null>;
export async function themeRefusal(references: ProjectsReferences, neighbourhoodId: string, themeIds: readonly string[], newProject = false) {
  if (themeIds.length === 0 && !newProject) return null;
  const neighbourhood = await checkingReferences('The themes named', () => references.neighbourhood(neighbourhoodId));
  if (!neighbourhood && newProject) return neighbourhoodNotServed(neighbourhoodId);
  const known = new Set((neighbourhood?.themes ?? []).map((t) => t.id.toLowerCase()));
  const index = themeIds.findIndex((id) => !known.has(id.toLowerCase()));
  return index === -1 ? null : themeNotInNeighbourhood(themeIds[index], `themeIds.${index}`);
}

/**
 * The themes as the community gives them (id and slug), in the order given,
 * each one of the neighbourhood's, or the first refusal.
 */
export async function checkThemes(
  references: ProjectsReferences,
  neighbourhoodId: string,
  themeIds: readonly string[],
): Promise<{ refusal: ReturnType<typeof themeNotInNeighbourhood> } | { themes: ThemeFacts[] }> {
  if (themeIds.length === 0) return { themes: [] };
  const neighbourhood = await checkingReferences('The themes named', () => references.neighbourhood(neighbourhoodId));
  const known = new Map((neighbourhood?.themes ?? []).map((t) => [t.id.toLowerCase(), t]));
  const themes: ThemeFacts[] = [];
  for (const [index, id] of themeIds.entries()) {
    const theme = known.get(id.toLowerCase());
    if (!theme) return { refusal: themeNotInNeighbourhood(id, `themeIds.${index}`) };
    themes.push(theme);
  }
  return { themes };
}

/**
 * The wishes as the community gives them, each known and of the
 * neighbourhood, or the first refusal. Where a wish belongs is the
 * community's word, never the client's.
 */
export async function checkWishes(
  references: ProjectsReferences,
  neighbourhoodId: string,
  wishIds: readonly string[],
  fieldOf: (index: number) => string,
): Promise<{ refusal: ReturnType<typeof unknownWish> | ReturnType<typeof wishInOtherNeighbourhood> } | { wishes: WishFacts[] }> {
  const wishes = await checkingReferences('The wishes named', () => Promise.all(wishIds.map((id) => references.wish(id))));
  for (const [index, wish] of wishes.entries()) {
    const problem = referenceProblem(wish, neighbourhoodId);
    if (problem === 'UNKNOWN') return { refusal: unknownWish(wishIds[index], fieldOf(index)) };
    if (problem === 'IN_OTHER_NEIGHBOURHOOD') return { refusal: wishInOtherNeighbourhood(wishIds[index], wish!.neighbourhoodId, neighbourhoodId) };
  }
  return { wishes: wishes as WishFacts[] };
}
