import { stableId, type Viewer } from '@dbwe/platform';
import type { TestSubgraph } from '@dbwe/platform/testing';
import { startPlatform } from '../../../../test/platform';
import type { ImpactServices } from '../books/ledger-books';
import { impact } from '../server';

export const SPIJKERKWARTIER = stableId('neighbourhood:spijkerkwartier');

/** The treasurer, Penningmeester Pieter, a steward of the Spijkerkwartier. */
export const steward: Viewer = { memberId: stableId('member:Penningmeester Pieter'), roles: [{ role: 'steward', neighbourhood: SPIJKERKWARTIER }] };

export interface ImpactTest extends TestSubgraph<ReturnType<typeof impact.createLoaders>, ImpactServices> {
  teardown(): Promise<void>;
}

/**
 * The impact subgraph with its demo analyses, in the whole platform (the
 * projects and community demo data; the ledger without its demo books):
 * publishing an analysis reads the project's books through the graph.
 */
export async function startImpact(): Promise<ImpactTest> {
  const platform = await startPlatform({ seed: ['community', 'projects', 'impact'] });
  const subgraph = platform.subgraphs.impact as unknown as TestSubgraph<ReturnType<typeof impact.createLoaders>, ImpactServices> & { url: string };
  return {
    ...subgraph,
    async teardown() {
      await platform.stop();
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
