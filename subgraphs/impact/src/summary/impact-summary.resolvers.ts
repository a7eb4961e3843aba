import type { Resolvers } from '../generated/graphql';
import type { AnalysisEntity } from '../analyses/analysis.entity';
import { buildResult, type SroiResultValue } from '../analyses/sroi-result';
import { currentPublished, ratioUndefinedReason } from '../analyses/analysis.resolvers';
import { combineResults } from './impact-summary';

/** The most projects the @requires selection fetches; Neighbourhood.projects pages at 100. */
const PROJECTS_COUNTED = 100;

export const summaryResolvers: Resolvers = {
  Neighbourhood: {
    async impactSummary(neighbourhood, _args, { loaders }) {
      const connection = neighbourhood.projects;
      if (!connection?.edges) throw new Error(`the gateway did not provide the projects of neighbourhood ${neighbourhood.id}`);
      const projects = connection.edges.map((e) => e.node);
      const analyses = await loaders.analysesByProject.loadMany(projects.map((p) => p.id));
      const current: [AnalysisEntity, bigint][] = [];
      projects.forEach((project, i) => {
        const list = analyses[i];
        if (list instanceof Error) throw list;
        const analysis = currentPublished(list);
        const minor = project.finances?.spent?.minorUnits;
        if (!analysis) return;
        if (minor == null) throw new Error(`the gateway did not provide the spending of project ${project.id}`);
        current.push([analysis, BigInt(minor)]);
      });
      const results = await Promise.all(
        current.map(async ([analysis, spent]) => {
          const [outcomes, inKind] = await Promise.all([loaders.outcomesByAnalysis.load(analysis.id), loaders.inKindByAnalysis.load(analysis.id)]);
          return buildResult({ ...analysis, ledgerSpentMinor: spent }, outcomes, inKind) as SroiResultValue;
        }),
      );
      return combineResults(results, (connection.totalCount ?? 0) <= PROJECTS_COUNTED);
    },
  },
  ImpactSummary: {
    projectsCounted: (s) => s.results.length,
    presentValue: (s) => s.presentValue.toFixed(2),
    inputs: (s) => s.inputs.toFixed(2),
    netPresentValue: (s) => s.presentValue.minus(s.inputs).toFixed(2),
    ratio: (s) => (s.ratio === null ? null : s.ratio.toFixed(2)),
    ratioUndefinedReason: (s) => ratioUndefinedReason(s.inputs),
    results: (s) => s.results,
  },
};
