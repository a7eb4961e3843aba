import { GraphLookup, memberReference, projectReference, type MemberFacts, type ProjectFacts, type ReferenceKind } from '@dbwe/platform';

/** A Right to Challenge bid as the public graph shows it: the neighbourhood its task is performed in. */
export interface BidFacts {
  id: string;
  neighbourhoodId: string;
}

/**
 * What impact needs to know about the projects subgraph's projects and bids
 * before an analysis or a bid link names them, and about the community's
 * members before one of them writes. Answered through the public
 * graph; a replica fed by the projects subgraph's domain events can answer
 * instead without touching the callers. Each answers null for an id the
 * public does not know (a draft bid included: only its challengers see it).
 */
export interface ImpactReferences {
  project(id: string): Promise<ProjectFacts | null>;
  bid(id: string): Promise<BidFacts | null>;
  member(id: string): Promise<MemberFacts | null>;
}

const bidReference: ReferenceKind<BidFacts> = {
  field: 'rightToChallengeBid',
  selection: 'id neighbourhood { id }',
  read: (answer) => {
    const bid = answer as { id: string; neighbourhood: { id: string } | null };
    if (!bid.neighbourhood) throw new Error(`the graph shows bid ${bid.id} without a neighbourhood`);
    return { id: bid.id, neighbourhoodId: bid.neighbourhood.id };
  },
};

export function graphReferences(lookup: GraphLookup): ImpactReferences {
  return {
    project: (id) => lookup.load(projectReference, id),
    bid: (id) => lookup.load(bidReference, id),
    member: (id) => lookup.load(memberReference, id),
  };
}
