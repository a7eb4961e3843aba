import DataLoader from 'dataloader';
import { anonymous, ASSERTION_HEADER, ErrorCode, graphQLError, REQUEST_ID_HEADER, setting, signAssertion, type SubgraphRuntime } from '@dbwe/platform';
import type { ProjectWithFinances } from '../references';
import { bookingDaysOf, type BookingDay } from './books';

/** Impact's own setting: where the ledger subgraph listens (npm start's port layout by default). */
export const ledgerSettings = {
  LEDGER_URL: setting.url('http://127.0.0.1:4103/graphql'),
};

const TIMEOUT_MS = 10_000;

/** The same selection Project.sroi @requires, so that both paths read the same figures. */
const BOOKS_QUERY = `query ProjectBooks($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Project { id finances { expensesByBookingDate { bookingDates spentMinorUnits volunteerHoursMinorUnits } } }
  }
}`;

const unavailable = () =>
  graphQLError(ErrorCode.SERVICE_UNAVAILABLE, 'The books could not be read from the ledger, so the result as published cannot be kept; nothing was published. Try again.', {
    serviceName: 'ledger',
  });

/**
 * The projects' books, read from the ledger at the moment of asking: when an
 * analysis is published, its result is computed from the books as they are
 * then. The ledger is asked as the gateway asks it for @requires (its
 * `_entities`, with a signed assertion of the anonymous public, which may read
 * every project's books); impact never reads the ledger's tables.
 */
export function ledgerBooksLoader(runtime: SubgraphRuntime): DataLoader<string, BookingDay[]> {
  const url = runtime.settings.LEDGER_URL as string;
  return new DataLoader<string, BookingDay[]>(async (projectIds) => {
    let body: { data?: { _entities?: (ProjectWithFinances | null)[] }; errors?: unknown[] };
    try {
      const assertion = await signAssertion(runtime.assertionSecret, { viewer: anonymous, requestId: runtime.requestId });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [ASSERTION_HEADER]: assertion, ...(runtime.requestId ? { [REQUEST_ID_HEADER]: runtime.requestId } : {}) },
        body: JSON.stringify({ query: BOOKS_QUERY, variables: { representations: projectIds.map((id) => ({ __typename: 'Project', id })) } }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) throw unavailable();
      body = (await response.json()) as typeof body;
    } catch {
      throw unavailable();
    }
    const entities = body.data?._entities;
    if (body.errors?.length || !entities || entities.length !== projectIds.length) throw unavailable();
    return entities.map((project, i) => (project ? bookingDaysOf(project) : new Error(`the ledger does not know project ${projectIds[i]}`)));
  });
}
