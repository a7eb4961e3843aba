import type { Resolvers } from '../generated/graphql';
import type { SroiResultValue } from '../analyses/sroi-result';
import { currentPublished, liveResult, ratioUndefinedReason } from '../analyses/analysis.resolvers';
import { bookingDaysOf } from '../books/books';
import { displayOrNull, exact, exactOrNull, money } from '../analyses/numbers';
import { combineResults } from './impact-summary';

/** The most projects the @requires selection fetches; Neighbourhood.projects pages at 100. */
const PROJECTS_COUNTED = 100;

export const summaryResolvers: Resolvers = {
  Neighbourhood: {
    async impactSummary(neighbourhood, _args, context) {
      const connection = neighbourhood.projects;
      if (!connection?.edges) throw new Error(`the gateway did not provide the projects of neighbourhood ${neighbourhood.id}`);
      const projects = connection.edges.map((e) => e.node);
      const analyses = await context.loaders.analysesByProject.loadMany(projects.map((p) => p.id));
      const views = projects.flatMap((project, i) => {
        const list = analyses[i];
        if (list instanceof Error) throw list;
        const analysis = currentPublished(list);
        if (!analysis) return [];
        return [{ ...analysis, books: bookingDaysOf(project) }];
      });
      // Every view carries its books, so every live result is there.
      const results = (await Promise.all(views.map((view) => liveResult(view, context)))) as SroiResultValue[];
      return combineResults(results, (connection.totalCount ?? 0) <= PROJECTS_COUNTED);
    },
  },
  ImpactSummary: {
    projectsCounted: (s) => s.results.length,
    presentValue: (s) => money(s.presentValue),
    presentValueExact: (s) => exact(s.presentValue),
    inputs: (s) => money(s.inputs),
    inputsExact: (s) => exact(s.inputs),
    netPresentValue: (s) => money(s.presentValue.minus(s.inputs)),
    netPresentValueExact: (s) => exact(s.presentValue.minus(s.inputs)),
    ratio: (s) => displayOrNull(s.ratio, 2),
    ratioExact: (s) => exactOrNull(s.ratio),
    ratioUndefinedReason: (s) => ratioUndefinedReason(s.inputs),
    results: (s) => s.results,
  },
};
