import { FactCache, GraphLookup, memberReference, projectReference, type MemberFacts, type ProjectFacts, type ReferenceKind } from '@dbwe/platform';

/**
 * What the ledger needs to know about the members, projects and
 * neighbourhoods other subgraphs own before its books name them. Answered
 * through the public graph, with what was learned kept in memory: postings
 * are the platform's hot write path. A replica fed by the other subgraphs'
 * domain events can answer instead without touching the callers. Each
 * answers null for an id its owner does not know.
 */
export interface LedgerReferences {
  member(id: string): Promise<MemberFacts | null>;
  project(id: string): Promise<ProjectFacts | null>;
  neighbourhood(id: string): Promise<NeighbourhoodFacts | null>;
}

/** A neighbourhood as community onboarded it: the chart template it chose is fixed then. */
export interface NeighbourhoodFacts {
  id: string;
  chartTemplate: string;
}

const neighbourhoodReference: ReferenceKind<NeighbourhoodFacts> = {
  field: 'neighbourhood',
  selection: 'id chartTemplate',
  read: (answer) => ({ id: String(answer.id), chartTemplate: String(answer.chartTemplate) }),
};

/** Facts that never change once true: a project's neighbourhood, a neighbourhood's existence, a member's erasure. */
const FOREVER = Number.POSITIVE_INFINITY;
/** Enough for every member and project of a large city, at a few hundred bytes each. */
const MAX_FACTS = 50_000;

/**
 * The references read from the public graph, kept for as long as they stay
 * true: a project's neighbourhood and a member's neighbourhood and domain
 * never change, so only whether a member was erased can go stale; that is
 * trusted for `memberSeconds` (an erased member stays erased, and is kept).
 * An id the graph does not know is asked again the next time.
 */
export function cachedGraphReferences(lookup: GraphLookup, memberSeconds: number): LedgerReferences {
  const members = new FactCache<MemberFacts>(MAX_FACTS);
  const projects = new FactCache<ProjectFacts>(MAX_FACTS);
  const neighbourhoods = new FactCache<NeighbourhoodFacts>(MAX_FACTS);
  return {
    member: (id) => members.get(id.toLowerCase(), () => lookup.load(memberReference, id), (m) => (m.erased ? FOREVER : memberSeconds * 1000)),
    project: (id) => projects.get(id.toLowerCase(), () => lookup.load(projectReference, id), () => FOREVER),
    neighbourhood: (id) => neighbourhoods.get(id.toLowerCase(), () => lookup.load(neighbourhoodReference, id), () => FOREVER),
  };
}
