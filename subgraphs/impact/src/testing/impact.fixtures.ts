import { stableId, type Viewer } from '@dbwe/platform';
import { cloneTestDatabase, startTestSubgraph, type TestSubgraph } from '@dbwe/platform/testing';
import { impact } from '../server';
import { ledger } from '../../../ledger/src/server';

export const SPIJKERKWARTIER = stableId('neighbourhood:spijkerkwartier');

/** The treasurer, Penningmeester Pieter, a steward of the Spijkerkwartier. */
export const steward: Viewer = { memberId: stableId('member:Penningmeester Pieter'), roles: [{ role: 'steward', neighbourhood: SPIJKERKWARTIER }] };

export interface ImpactTest extends TestSubgraph<ReturnType<typeof impact.createLoaders>> {
  teardown(): Promise<void>;
}

/**
 * The impact subgraph on a fresh copy of the test database, with the demo
 * analyses, and the real ledger subgraph (without its demo books) that it
 * reads when it publishes an analysis.
 */
export async function startImpact(): Promise<ImpactTest> {
  const database = await cloneTestDatabase();
  const books = await startTestSubgraph(ledger, database.url, { listen: true });
  const subgraph = await startTestSubgraph(impact, database.url, { seed: true, env: { LEDGER_URL: books.url } });
  return {
    ...subgraph,
    async teardown() {
      await subgraph.stop();
      await books.stop();
      await database.drop();
    },
  };
}

/**
 * A project's finances as the gateway hands them over (@requires): its
 * expenses per booking date, each [date, cents, hundredths of an hour].
 */
export const finances = (...days: [bookingDate: string, cents: string, hoursMinor?: string][]) => ({
  expensesByBookingDate: {
    bookingDates: days.map(([date]) => date),
    spentMinorUnits: days.map(([, cents]) => cents),
    volunteerHoursMinorUnits: days.map(([, , hours = '0']) => hours),
  },
});
