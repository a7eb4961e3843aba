import { hasRole } from '@dbwe/platform';
import type { Context } from '../context';
import type { Resolvers } from '../generated/graphql';
import type { AnalysisEntity } from './analysis.entity';
import type { OutcomeEntity } from './outcome.entity';
import { calculateSroi, dec } from './sroi';

const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** Drafts are visible to the neighbourhood's stewards only. */
function visible(analysis: AnalysisEntity | null, { viewer }: Context): AnalysisEntity | null {
  if (!analysis) return null;
  if (analysis.status === 'PUBLISHED' || hasRole(viewer, ['steward'], analysis.neighbourhoodId)) return analysis;
  return null;
}

export function toOutcomeInput(o: OutcomeEntity) {
  return {
    id: o.id,
    stakeholder: o.stakeholder,
    quantity: dec(o.quantity),
    financialProxy: dec(o.financialProxy),
    durationYears: o.durationYears,
    dropOff: dec(o.dropOff),
    deadweight: dec(o.deadweight),
    displacement: dec(o.displacement),
    attribution: dec(o.attribution),
    negative: o.negative,
  };
}

const money = (value: ReturnType<typeof dec>) => value.toFixed(2);

export const analysisResolvers: Resolvers = {
  Query: {
    sroiAnalysis: async (_parent, { id }, context) => (isUuid(id) ? visible(await context.loaders.analysis.load(id), context) : null),
  },
  SroiAnalysis: {
    __resolveReference: async (ref, context) => (isUuid(ref.id) ? visible(await context.loaders.analysis.load(ref.id), context) : null),
    project: (a) => ({ id: a.projectId }),
    discountRate: (a) => dec(a.discountRate).toString(),
    inKindInputs: (a) => money(dec(a.inKindInputs)),
    outcomes: (a, _args, { loaders }) => loaders.outcomesByAnalysis.load(a.id),
  },
  Outcome: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.outcome.load(ref.id) : null),
    quantity: (o) => dec(o.quantity).toString(),
    financialProxy: (o) => money(dec(o.financialProxy)),
    dropOff: (o) => dec(o.dropOff).toString(),
    deadweight: (o) => dec(o.deadweight).toString(),
    displacement: (o) => dec(o.displacement).toString(),
    attribution: (o) => dec(o.attribution).toString(),
  },
  Project: {
    async sroi(project, _args, { loaders }) {
      const [analysis] = await loaders.publishedByProject.load(project.id);
      if (!analysis) return null;
      const spentMinor = project.finances?.spent?.minorUnits;
      if (spentMinor == null) throw new Error(`the gateway did not provide the spending of project ${project.id}`);
      const outcomes = await loaders.outcomesByAnalysis.load(analysis.id);
      const inputs = dec(spentMinor).dividedBy(100).plus(dec(analysis.inKindInputs));
      const calculation = calculateSroi(outcomes.map(toOutcomeInput), {
        discountRate: dec(analysis.discountRate),
        discountFirstYear: analysis.discountFirstYear,
        inputs,
      });
      return { analysis, calculation };
    },
  },
  SroiResult: {
    analysis: (r) => r.analysis,
    presentValue: (r) => money(r.calculation.presentValue),
    inputs: (r) => money(r.calculation.inputs),
    ratio: (r) => (r.calculation.ratio ? r.calculation.ratio.toFixed(2) : null),
  },
};
