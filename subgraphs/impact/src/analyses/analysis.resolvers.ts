import { hasRole, isUuid } from '@dbwe/platform';
import type { Context } from '../context';
import type { Resolvers } from '../generated/graphql';
import type { ProjectWithFinances } from '../references';
import type { AnalysisEntity } from './analysis.entity';
import type { AnalysisView } from './analysis.view';
import * as mutations from './analysis.mutations';
import { isViolation, ruleCodes, type Violation } from './rules';
import { buildResult, inKindTotal, inKindValue } from './sroi-result';
import { dec, sensitivity, type BreakEvenProxy, type Dec } from './sroi';

/** Drafts are visible to the neighbourhood's stewards only. */
export function visible<T extends AnalysisEntity>(analysis: T | null | undefined, { viewer }: Context): T | null {
  if (!analysis) return null;
  if (analysis.status === 'PUBLISHED' || hasRole(viewer, ['steward'], analysis.neighbourhoodId)) return analysis;
  return null;
}

/** A project's current analysis: the one published most recently. */
export function currentPublished(analyses: AnalysisEntity[]): AnalysisEntity | null {
  let current: AnalysisEntity | null = null;
  for (const a of analyses) {
    if (a.status === 'PUBLISHED' && (!current || a.publishedAt! > current.publishedAt!)) current = a;
  }
  return current;
}

const money = (value: Dec) => value.toFixed(2);
const ratio = (value: Dec | null) => (value === null ? null : value.toFixed(2));
const plain = (value: string | Dec) => dec(value).toString();

/**
 * A domain rule violation as the GraphQL error type of the same name. Typed
 * `never` because each mutation's union lists only the rules its domain
 * function can break, which TypeScript cannot see; GraphQL itself refuses a
 * type outside the union at run time, and the tests cover every rule.
 */
export const asError = (v: Violation): never => ({ __typename: v.error, message: v.message, code: ruleCodes[v.error], field: v.field }) as never;

/** The project's spending in cents as the gateway handed it over (@requires). */
function spentMinor(project: ProjectWithFinances): bigint {
  const minor = project.finances?.spent?.minorUnits;
  if (minor == null) throw new Error(`the gateway did not provide the spending of project ${project.id}`);
  return BigInt(minor);
}

/** Why there is no ratio for these inputs, or null when there is one. */
export function ratioUndefinedReason(inputs: Dec): string | null {
  if (inputs.isZero()) return 'The inputs are zero: the SROI ratio (present value ÷ inputs) is undefined, not infinite.';
  if (inputs.isNegative()) return 'The inputs are negative (refunds exceed spending): an SROI ratio would be meaningless.';
  return null;
}

function breakEvenExplanation(b: BreakEvenProxy): string {
  switch (b.kind) {
    case 'PROXY':
      return `With a proxy of ${money(b.proxy)} euros per unit per year, all else equal, the present value equals the inputs: the ratio is 1 : 1.`;
    case 'NO_INPUTS':
      return 'The inputs are not positive, so the ratio is undefined and has no break-even point.';
    case 'PROXY_HAS_NO_EFFECT':
      return "The outcome's value does not depend on its proxy (its quantity is 0, or a fraction removes all of it), so no proxy changes the ratio.";
    case 'NOT_REACHABLE':
      return `No proxy of 0 or more brings the ratio to 1 : 1 (the exact solution is ${money(b.proxy)}): the other outcomes alone keep the ratio on one side of 1 : 1.`;
  }
}

export const analysisResolvers: Resolvers = {
  Query: {
    sroiAnalysis: async (_parent, { id }, context) => (isUuid(id) ? visible(await context.loaders.analysis.load(id), context) : null),
  },
  SroiAnalysis: {
    __resolveReference: async (ref, context) => (isUuid(ref.id) ? visible(await context.loaders.analysis.load(ref.id), context) : null),
    project: (a) => ({ id: a.projectId }),
    neighbourhood: (a) => ({ id: a.neighbourhoodId }),
    discountRate: (a) => plain(a.discountRate),
    stakeholders: (a, _args, { loaders }) => loaders.stakeholdersByAnalysis.load(a.id),
    outcomes: (a, _args, { loaders }) => loaders.outcomesByAnalysis.load(a.id),
    inKindInputs: (a, _args, { loaders }) => loaders.inKindByAnalysis.load(a.id),
    inKindTotal: async (a, _args, { loaders }) => money(inKindTotal(await loaders.inKindByAnalysis.load(a.id))),
    plannedInputs: (a) => (a.plannedInputs === null ? null : money(dec(a.plannedInputs))),
    async result(a, _args, { loaders }) {
      const [outcomes, inKind] = await Promise.all([loaders.outcomesByAnalysis.load(a.id), loaders.inKindByAnalysis.load(a.id)]);
      return buildResult(a, outcomes, inKind);
    },
    supersedes: async (a, _args, context) => (a.supersedesId ? visible(await context.loaders.analysis.load(a.supersedesId), context) : null),
    supersededBy: async (a, _args, context) => visible(await context.loaders.revisionOf.load(a.id), context),
  },
  Stakeholder: {
    outcomes: async (s, _args, { loaders }) => (await loaders.outcomesByAnalysis.load(s.analysisId)).filter((o) => o.stakeholder === s.name),
  },
  Outcome: {
    __resolveReference: async (ref, context) => {
      if (!isUuid(ref.id)) return null;
      const outcome = await context.loaders.outcome.load(ref.id);
      return outcome && visible(await context.loaders.analysis.load(outcome.analysisId), context) ? outcome : null;
    },
    analysis: async (o, _args, { loaders }) => (await loaders.analysis.load(o.analysisId))!,
    quantity: (o) => plain(o.quantity),
    financialProxy: (o) => ({ value: money(dec(o.proxyValue)), description: o.proxyDescription, source: o.proxySource }),
    dropOff: (o) => ({ value: plain(o.dropOff), rationale: o.dropOffRationale }),
    deadweight: (o) => ({ value: plain(o.deadweight), rationale: o.deadweightRationale }),
    displacement: (o) => ({ value: plain(o.displacement), rationale: o.displacementRationale }),
    attribution: (o) => ({ value: plain(o.attribution), rationale: o.attributionRationale }),
    measurements: (o, _args, { loaders }) => loaders.measurementsByOutcome.load(o.id),
  },
  Measurement: {
    value: (m) => plain(m.value),
  },
  InKindInput: {
    quantity: (i) => plain(i.quantity),
    rate: (i) => money(dec(i.rate)),
    value: (i) => money(inKindValue(i)),
  },
  Project: {
    /** The current analysis is the most recently published one. */
    async sroi(project, _args, { loaders }) {
      const current = currentPublished(await loaders.analysesByProject.load(project.id));
      if (!current) return null;
      const analysis: AnalysisView = { ...current, ledgerSpentMinor: spentMinor(project) };
      const [outcomes, inKind] = await Promise.all([loaders.outcomesByAnalysis.load(current.id), loaders.inKindByAnalysis.load(current.id)]);
      return buildResult(analysis, outcomes, inKind);
    },
    async sroiAnalyses(project, { updatedSince }, context) {
      const spent = spentMinor(project);
      const analyses = updatedSince
        ? context.loaders.analysesChangedSince.load({ id: project.id, since: updatedSince })
        : context.loaders.analysesByProject.load(project.id);
      return (await analyses)
        .filter((a) => visible(a, context))
        .map((a): AnalysisView => ({ ...a, ledgerSpentMinor: spent }));
    },
  },
  SroiResult: {
    analysis: (r) => r.analysis,
    presentValue: (r) => money(r.calculation.presentValue),
    inputs: (r) => money(r.calculation.inputs),
    inputsUsed: (r) => ({ basis: r.basis, monetary: money(r.monetary), inKind: money(r.inKind), total: money(r.calculation.inputs) }),
    netPresentValue: (r) => money(r.calculation.netPresentValue),
    ratio: (r) => ratio(r.calculation.ratio),
    netRatio: (r) => ratio(r.calculation.netRatio),
    ratioUndefinedReason: (r) => ratioUndefinedReason(r.calculation.inputs),
    paybackMonths: (r) => (r.calculation.paybackMonths === null ? null : r.calculation.paybackMonths.toFixed(1)),
    byOutcome: (r) =>
      r.calculation.outcomes.map((o, i) => ({
        outcome: r.outcomes[i],
        impactYear1: money(o.impactYear1),
        valuesByYear: o.values.map(money),
        presentValue: money(o.presentValue),
      })),
    byStakeholder: (r) => r.calculation.byStakeholder.map((s) => ({ stakeholder: s.stakeholder, presentValue: money(s.presentValue) })),
    byYear: (r) => r.calculation.byYear.map((y) => ({ year: y.year, value: money(y.value), presentValue: money(y.presentValue) })),
    sensitivity: (r) =>
      sensitivity(r.outcomeInputs, r.parameters).map((s, i) => ({
        outcome: r.outcomes[i],
        variations: s.variations.map((v) => ({
          assumption: v.assumption,
          baseValue: v.base.toString(),
          lowValue: v.lowValue.toString(),
          lowRatio: ratio(v.lowRatio),
          highValue: v.highValue.toString(),
          highRatio: ratio(v.highRatio),
        })),
        breakEvenProxy: s.breakEven.kind === 'PROXY' ? money(s.breakEven.proxy) : null,
        breakEvenExplanation: breakEvenExplanation(s.breakEven),
      })),
  },
  Mutation: {
    async createSroiAnalysis(_parent, { input }, { db, viewer }) {
      const result = await mutations.createAnalysis(db, viewer, input);
      return isViolation(result) ? asError(result) : { __typename: 'SroiAnalysisPayload', analysis: result };
    },
    async updateSroiAnalysis(_parent, { id, input }, { db, viewer }) {
      const result = await mutations.updateAnalysis(db, viewer, id, input);
      return isViolation(result) ? asError(result) : { __typename: 'SroiAnalysisPayload', analysis: result };
    },
    async addSroiOutcome(_parent, { analysisId, input }, { db, viewer }) {
      const result = await mutations.addOutcome(db, viewer, analysisId, input);
      return isViolation(result) ? asError(result) : { __typename: 'SroiOutcomePayload', ...result };
    },
    async updateSroiOutcome(_parent, { id, input }, { db, viewer }) {
      const result = await mutations.updateOutcome(db, viewer, id, input);
      return isViolation(result) ? asError(result) : { __typename: 'SroiOutcomePayload', ...result };
    },
    async removeSroiOutcome(_parent, { id }, { db, viewer }) {
      const result = await mutations.removeOutcome(db, viewer, id);
      return isViolation(result) ? asError(result) : { __typename: 'SroiOutcomeRemovedPayload', removedOutcomeId: id, analysis: result };
    },
    async recordSroiMeasurement(_parent, { outcomeId, input }, { db, viewer }) {
      const result = await mutations.recordMeasurement(db, viewer, outcomeId, input);
      return isViolation(result) ? asError(result) : { __typename: 'SroiMeasurementPayload', ...result };
    },
    async publishSroiAnalysis(_parent, { id }, { db, viewer }) {
      const result = await mutations.publishAnalysis(db, viewer, id);
      return isViolation(result) ? asError(result) : { __typename: 'SroiAnalysisPayload', analysis: result };
    },
    async reviseSroiAnalysis(_parent, { id }, { db, viewer }) {
      const result = await mutations.reviseAnalysis(db, viewer, id);
      return isViolation(result) ? asError(result) : { __typename: 'SroiAnalysisPayload', analysis: result };
    },
    async linkBidSroiForecast(_parent, { bidId, analysisId }, { db, viewer }) {
      const result = await mutations.linkBidForecast(db, viewer, bidId, analysisId);
      return isViolation(result) ? asError(result) : { __typename: 'BidForecastPayload', bid: { id: bidId }, forecast: result };
    },
  },
  RightToChallengeBid: {
    // The representation carries what sroiForecast @requires; keep all of it.
    __resolveReference: (ref) => ref,
    async sroiForecast(bid, _args, context) {
      const link = await context.loaders.forecastByBid.load(bid.id);
      const forecast = link ? visible(await context.loaders.analysis.load(link.analysisId), context) : null;
      const project = bid.executingProject;
      if (!forecast || !project || project.id !== forecast.projectId) return forecast;
      return { ...forecast, ledgerSpentMinor: spentMinor(project) };
    },
  },
};

/** Every union and interface of the schema resolves by the __typename its resolver set. */
const byTypename = (value: { __typename?: string }) => value.__typename as never;

export const typeResolvers = {
  ImpactError: { __resolveType: byTypename },
  SroiAnalysisResult: { __resolveType: byTypename },
  SroiOutcomeResult: { __resolveType: byTypename },
  SroiOutcomeRemovalResult: { __resolveType: byTypename },
  SroiMeasurementResult: { __resolveType: byTypename },
  BidForecastResult: { __resolveType: byTypename },
};
