import { checkingReferences, referenceProblem } from '@dbwe/platform';
import { violation, type Violation } from '../analyses/rules';
import type { ImpactReferences } from './references.service';

/*
 * An analysis is of a project of its own neighbourhood, and a forecast
 * supports a bid of its own neighbourhood (DOMAIN.md, "Neighbourhoods are
 * tenants"): otherwise one neighbourhood's steward could publish figures on
 * another's project or bid. Where the project and the bid belong is the
 * projects subgraph's word, read in the public graph.
 */

export async function projectViolation(references: ImpactReferences, projectId: string, neighbourhoodId: string): Promise<Violation | null> {
  const project = await checkingReferences('The project', () => references.project(projectId));
  switch (referenceProblem(project, neighbourhoodId)) {
    case 'UNKNOWN':
      return violation('UnknownProjectError', `No project has id ${projectId}.`, 'projectId');
    case 'IN_OTHER_NEIGHBOURHOOD':
      return violation('ProjectInOtherNeighbourhoodError', `Project ${projectId} belongs to another neighbourhood; an analysis is of a project of its own.`, 'projectId');
    default:
      return null;
  }
}

export async function bidViolation(references: ImpactReferences, bidId: string, neighbourhoodId: string): Promise<Violation | null> {
  const bid = await checkingReferences('The bid', () => references.bid(bidId));
  switch (referenceProblem(bid, neighbourhoodId)) {
    case 'UNKNOWN':
      return violation('UnknownBidError', `No submitted Right to Challenge bid has id ${bidId} (a draft is linked once it is submitted).`, 'bidId');
    case 'IN_OTHER_NEIGHBOURHOOD':
      return violation('BidInOtherNeighbourhoodError', `Bid ${bidId} is for another neighbourhood than the forecast; a forecast supports bids of its own neighbourhood.`, 'bidId');
    default:
      return null;
  }
}
