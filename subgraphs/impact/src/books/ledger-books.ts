import { GraphClient, GraphLookup, GraphUnavailable, graphSettings, serviceUnavailable, TEST_GRAPH_URL, type SubgraphServices } from '@dbwe/platform';
import { graphReferences, type ImpactReferences } from '../integrity/references.service';
import type { ProjectWithFinances } from '../references';
import { bookingDaysOf, type BookingDay } from './books';

/** What impact keeps while it runs: the way to the public graph, where it reads the books when it publishes and checks the ids it is given. */
export interface ImpactServices {
  graph: GraphClient;
  references: ImpactReferences;
}

export const impactServices: SubgraphServices<ImpactServices> = {
  settings: graphSettings,
  testEnv: { GRAPH_URL: TEST_GRAPH_URL },
  async start(_db, config) {
    const graph = new GraphClient(config.GRAPH_URL as string);
    return { services: { graph, references: graphReferences(new GraphLookup(graph)) }, stop: async () => undefined };
  },
};

/** The signed checkpoint of the books a published figure was read with (docs/ledger-hash.md). */
export interface BooksCheckpointValue {
  origin: string;
  size: number;
  rootHash: string;
  note: string;
}

export interface ProjectBooks {
  days: BookingDay[];
  checkpoint: BooksCheckpointValue | null;
}

/**
 * The same selection Project.sroi @requires, so that both paths read the same figures, and a checkpoint of the
 * project's books signed for the moment of asking.
 */
const BOOKS_QUERY = `query ProjectBooks($id: ID!) {
  project(id: $id) {
    id
    neighbourhood { transparencyLog { checkpoint(fresh: true) { origin size rootHash note } } }
    finances { expensesByBookingDate { bookingDates spentMinorUnits volunteerHoursMinorUnits } }
  }
}`;

const unavailable = (why: string) =>
  serviceUnavailable(`The books could not be read (${why}), so the result as published cannot be kept; nothing was published. Try again.`, {
    serviceName: 'ledger',
  });

/**
 * A project's books as the public graph shows them now, with a checkpoint
 * the ledger signs at that moment: what a published analysis keeps. Impact
 * reads them as any client would, through the gateway, never from the
 * ledger's tables.
 */
export async function readProjectBooks(graph: GraphClient, projectId: string, requestId: string): Promise<ProjectBooks> {
  type Answer = {
    project: (ProjectWithFinances & { neighbourhood: { transparencyLog: { checkpoint: BooksCheckpointValue | null } | null } | null }) | null;
  };
  let answer: Answer;
  try {
    answer = await graph.query<Answer>(BOOKS_QUERY, { id: projectId }, requestId);
  } catch (error) {
    if (error instanceof GraphUnavailable) throw unavailable(error.message);
    throw error;
  }
  if (!answer.project) throw unavailable(`the graph does not know project ${projectId}`);
  return { days: bookingDaysOf(answer.project), checkpoint: answer.project.neighbourhood?.transparencyLog?.checkpoint ?? null };
}
