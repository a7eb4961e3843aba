import { checkingReferences, referenceProblem, type MemberFacts } from '@dbwe/platform';
import { fail, type LedgerFailure } from '../ledger-errors';
import type { EntryRequest } from '../entries/posting-rules';
import type { MemberDomain } from '../entries/line.entity';
import type { LedgerReferences } from './references.service';

/**
 * The ids the books would name, checked against their owners (DOMAIN.md,
 * "Neighbourhoods are tenants"): the project is the neighbourhood's, as the
 * projects subgraph has it (not whichever books used it first); the member an
 * entry is about, and every member counterparty, is a member of the
 * neighbourhood and not erased, and a counterparty's stated domain is theirs.
 * So the local-economy share counts only this neighbourhood's own members.
 */

function memberProblem(field: string, memberId: string, facts: MemberFacts | null, neighbourhoodId: string): LedgerFailure | null {
  switch (referenceProblem(facts, neighbourhoodId)) {
    case 'UNKNOWN':
      return fail.unknownMember(field, memberId);
    case 'IN_OTHER_NEIGHBOURHOOD':
      return fail.memberInOtherNeighbourhood(field, memberId);
    case 'ERASED':
      return fail.memberErased(field, memberId);
    case null:
      return null;
  }
}

/** The project's own neighbourhood, from its owner: unknown, or another one, is refused. */
export async function projectProblem(references: LedgerReferences, projectId: string, neighbourhoodId: string): Promise<LedgerFailure | null> {
  const project = await checkingReferences('The project', () => references.project(projectId));
  switch (referenceProblem(project, neighbourhoodId)) {
    case 'UNKNOWN':
      return fail.unknownProject(projectId);
    case 'IN_OTHER_NEIGHBOURHOOD':
      return fail.projectInOtherNeighbourhood(projectId);
    default:
      return null;
  }
}

/** The first id of an entry that does not hold, in the order of the input: project, member, each line's counterparty. */
export async function entryReferenceProblem(references: LedgerReferences, request: EntryRequest): Promise<LedgerFailure | null> {
  const { neighbourhoodId } = request;
  const memberIds = [...new Set([request.memberId, ...request.lines.map((l) => l.counterpartyMemberId)].filter((id): id is string => id !== null))];
  // All of it in one round trip: the lookups of one tick go out as one graph query.
  const [projectRefusal, members] = await Promise.all([
    request.projectId ? projectProblem(references, request.projectId, neighbourhoodId) : null,
    checkingReferences('The members named', () => Promise.all(memberIds.map((id) => references.member(id)))),
  ]);
  if (projectRefusal) return projectRefusal;
  const facts = new Map(memberIds.map((id, i) => [id, members[i]]));
  if (request.memberId) {
    const problem = memberProblem('memberId', request.memberId, facts.get(request.memberId) ?? null, neighbourhoodId);
    if (problem) return problem;
  }
  for (const [index, line] of request.lines.entries()) {
    if (!line.counterpartyMemberId) continue;
    const field = `lines.${index}.counterparty`;
    const member = facts.get(line.counterpartyMemberId) ?? null;
    const problem = memberProblem(`${field}.memberId`, line.counterpartyMemberId, member, neighbourhoodId);
    if (problem) return problem;
    // A member counterparty always comes with a stated domain (readPostEntry).
    if (member!.domain !== line.counterpartyDomain) {
      return fail.counterpartyDomainMismatch(`${field}.domain`, line.counterpartyMemberId, line.counterpartyDomain!, member!.domain as MemberDomain);
    }
  }
  return null;
}

/** A neighbourhood whose books are to be opened must be one the installation serves. */
export async function neighbourhoodProblem(references: LedgerReferences, neighbourhoodId: string): Promise<LedgerFailure | null> {
  const neighbourhood = await checkingReferences('The neighbourhood', () => references.neighbourhood(neighbourhoodId));
  return neighbourhood ? null : fail.unknownNeighbourhood(neighbourhoodId);
}
