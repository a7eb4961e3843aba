import { readProjectBooks } from '../books/ledger-books';
import { hasRole, isUuid } from '@dbwe/platform';
import type { Context } from '../context';
import type { Resolvers } from '../generated/graphql';
import type { ProjectWithFinances } from '../references';
import { bookingDaysOf } from '../books/books';
import type { AnalysisEntity } from './analysis.entity';
import type { AnalysisView } from './analysis.view';
import type { MeasurementEntity } from './measurement.entity';
import type { OutcomeEntity } from './outcome.entity';
import * as mutations from './analysis.mutations';
import { requireRegisteredMember } from '../integrity/registered-member';
import { isViolation, ruleCodes, type Violation } from './rules';
import {
  buildResult,
  buildSnapshotResult,
  inKindTotal,
  inKindValue,
  inputsFromBooks,
  quantityMeasurement,
  toOutcomeInput,
  type ImpactMap,
  type SroiResultValue,
} from './sroi-result';
import { plausibilityWarnings, sensitivity, twoWaySensitivity, valueOf, type BreakEven, type OutcomeInput, type OutcomeSensitivity, type TwoWayTable, type WarningCode } from './sroi';
import { amount, dec, displayOrNull, exact, exactOrNull, money, plain, type Dec } from './numbers';
import { explainBreakEven, explainBreakEvenProxy, warningMessage } from './explanations';

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

/**
 * A domain rule violation as the GraphQL error type of the same name. Typed
 * `never` because each mutation's union lists only the rules its domain
 * function can break, which TypeScript cannot see; GraphQL itself refuses a
 * type outside the union at run time, and the tests cover every rule.
 */
export const asError = (v: Violation): never => ({ __typename: v.error, message: v.message, code: ruleCodes[v.error], field: v.field }) as never;

/** Why there is no ratio for these inputs, or null when there is one. */
export function ratioUndefinedReason(inputs: Dec): string | null {
  if (inputs.isZero()) return 'The inputs are zero: the SROI ratio (present value ÷ inputs) is undefined, not infinite.';
  if (inputs.isNegative()) return 'The inputs are negative (refunds exceed spending): an SROI ratio would be meaningless.';
  return null;
}

/** The rows a result is computed from; measurements only matter to evaluations. */
async function impactMap(analysis: AnalysisEntity, { loaders }: Context): Promise<ImpactMap> {
  const [outcomes, inKind] = await Promise.all([loaders.outcomesByAnalysis.load(analysis.id), loaders.inKindByAnalysis.load(analysis.id)]);
  const measurements = analysis.kind === 'EVALUATIVE' ? await loaders.measurementsByOutcome.loadMany(outcomes.map((o) => o.id)) : [];
  for (const m of measurements) if (m instanceof Error) throw m;
  return { outcomes, inKind, measurements: measurements as MeasurementEntity[][] };
}

/** The live result: the books handed over with the analysis (or its planned inputs); null when neither is at hand. */
export async function liveResult(analysis: AnalysisView, context: Context): Promise<SroiResultValue | null> {
  const inputs = inputsFromBooks(analysis, analysis.books, new Date());
  return inputs && buildResult(analysis, await impactMap(analysis, context), inputs);
}

/** The result kept at publication; null for drafts and for analyses published before snapshots were kept. */
async function publishedResult(analysis: AnalysisView, context: Context): Promise<SroiResultValue | null> {
  if (analysis.status !== 'PUBLISHED') return null;
  const snapshot = await context.loaders.snapshot.load(analysis.id);
  return snapshot && buildSnapshotResult(analysis, await impactMap(analysis, context), snapshot);
}

/** An analysis reached through its project, with the project's books as the gateway handed them over. */
const withBooks = (analysis: AnalysisEntity, project: ProjectWithFinances): AnalysisView => ({ ...analysis, books: bookingDaysOf(project) });

interface WarningValue {
  code: WarningCode | 'QUANTITY_NOT_MEASURED';
  message: string;
  outcome: OutcomeEntity | null;
}

/** The plausibility warnings of an analysis over the quantities its result uses. */
function warningsOf(analysis: AnalysisEntity, outcomes: OutcomeEntity[], outcomeInputs: OutcomeInput[], measured: (MeasurementEntity | null)[]): WarningValue[] {
  const context = {
    discountRate: dec(analysis.discountRate),
    periodStart: analysis.periodStart,
    periodEnd: analysis.periodEnd,
    outcomes: outcomes.map((o) => ({ description: o.description, durationYears: o.durationYears, quantity: o.quantity })),
  };
  const warnings = [
    ...plausibilityWarnings(outcomeInputs, { discountRate: context.discountRate, discountFirstYear: analysis.discountFirstYear }),
    ...(analysis.kind === 'EVALUATIVE'
      ? outcomes.flatMap((_, index) => (measured[index] ? [] : [{ code: 'QUANTITY_NOT_MEASURED' as const, index, share: null }]))
      : []),
  ];
  return warnings.map((w) => ({ code: w.code, message: warningMessage(w, context), outcome: w.index === null ? null : outcomes[w.index] }));
}

/** Sensitivity is computed once per result, whichever of its fields are asked. */
const sensitivities = new WeakMap<SroiResultValue, OutcomeSensitivity[]>();
function sensitivityOf(r: SroiResultValue): OutcomeSensitivity[] {
  let s = sensitivities.get(r);
  if (!s) sensitivities.set(r, (s = sensitivity(r.outcomeInputs, r.parameters)));
  return s;
}

function breakEvenValue(b: BreakEven, base: Dec) {
  return {
    assumption: b.assumption,
    status: b.status,
    value: exactOrNull(b.value),
    lowerYears: b.lowerYears,
    upperYears: b.upperYears,
    ratioAtLowerYears: exactOrNull(b.ratioAtLowerYears),
    ratioAtUpperYears: exactOrNull(b.ratioAtUpperYears),
    valueOutsideRange: exactOrNull(b.valueOutsideRange),
    minimum: exact(b.minimum),
    maximum: exact(b.maximum),
    ratioAtMinimum: exactOrNull(b.ratioAtMinimum),
    ratioAtMaximum: exactOrNull(b.ratioAtMaximum),
    explanation: explainBreakEven(b, base),
  };
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
    inKindTotalExact: async (a, _args, { loaders }) => exact(inKindTotal(await loaders.inKindByAnalysis.load(a.id))),
    plannedInputs: (a) => (a.plannedInputs === null ? null : amount(dec(a.plannedInputs))),
    volunteerHourRate: (a) => (a.volunteerHourRate === null ? null : { rate: amount(dec(a.volunteerHourRate)), source: a.volunteerHourRateSource! }),
    result: (a, _args, context) => liveResult(a, context),
    publishedSnapshot: (a, _args, context) => publishedResult(a, context),
    async warnings(a, _args, context) {
      const map = await impactMap(a, context);
      const measured = map.outcomes.map((_, i) => quantityMeasurement(a, map.measurements[i] ?? []));
      return warningsOf(a, map.outcomes, map.outcomes.map((o, i) => toOutcomeInput(o, measured[i])), measured);
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
    financialProxy: (o) => ({ value: amount(dec(o.proxyValue)), description: o.proxyDescription, source: o.proxySource }),
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
    rate: (i) => amount(dec(i.rate)),
    value: (i) => money(inKindValue(i)),
    valueExact: (i) => exact(inKindValue(i)),
  },
  Project: {
    /** The current analysis is the most recently published one. */
    async sroi(project, _args, context) {
      const current = currentPublished(await context.loaders.analysesByProject.load(project.id));
      return current && liveResult(withBooks(current, project), context);
    },
    async sroiAnalyses(project, { updatedSince }, context) {
      const analyses = updatedSince
        ? context.loaders.analysesChangedSince.load({ id: project.id, since: updatedSince })
        : context.loaders.analysesByProject.load(project.id);
      return (await analyses).filter((a) => visible(a, context)).map((a) => withBooks(a, project));
    },
  },
  SroiResult: {
    analysis: (r) => r.analysis,
    kind: (r) => r.inputs.kind,
    asOf: (r) => r.inputs.asOf,
    booksCheckpoint: (r) => r.inputs.checkpoint,
    presentValue: (r) => money(r.calculation.presentValue),
    presentValueExact: (r) => exact(r.calculation.presentValue),
    unit: () => 'EUR' as const,
    inputs: (r) => money(r.calculation.inputs),
    inputsExact: (r) => exact(r.calculation.inputs),
    inputsUsed: (r) => ({
      basis: r.inputs.basis,
      monetary: money(r.inputs.monetary),
      monetaryExact: exact(r.inputs.monetary),
      spendingOutsidePeriodExact: exactOrNull(r.inputs.spendingOutsidePeriod),
      inKind: money(r.inKind),
      inKindExact: exact(r.inKind),
      declaredInKindExact: exact(r.declaredInKind),
      volunteerHours: r.inputs.volunteerHours && {
        hours: exact(r.inputs.volunteerHours.hours),
        rate: exact(r.inputs.volunteerHours.rate),
        source: r.inputs.volunteerHours.source,
        value: money(r.inputs.volunteerHours.value),
        valueExact: exact(r.inputs.volunteerHours.value),
      },
      total: money(r.calculation.inputs),
      totalExact: exact(r.calculation.inputs),
    }),
    netPresentValue: (r) => money(r.calculation.netPresentValue),
    netPresentValueExact: (r) => exact(r.calculation.netPresentValue),
    ratio: (r) => displayOrNull(r.calculation.ratio, 2),
    ratioExact: (r) => exactOrNull(r.calculation.ratio),
    netRatio: (r) => displayOrNull(r.calculation.netRatio, 2),
    netRatioExact: (r) => exactOrNull(r.calculation.netRatio),
    ratioUndefinedReason: (r) => ratioUndefinedReason(r.calculation.inputs),
    paybackMonths: (r) => displayOrNull(r.calculation.paybackMonths, 1),
    paybackMonthsExact: (r) => exactOrNull(r.calculation.paybackMonths),
    byOutcome: (r) =>
      r.calculation.outcomes.map((o, i) => ({
        outcome: r.outcomes[i],
        quantityUsed: exact(r.outcomeInputs[i].quantity),
        quantityBasis: r.quantityMeasurements[i] ? ('MEASURED' as const) : ('STATED' as const),
        quantityMeasurement: r.quantityMeasurements[i],
        impactYear1: money(o.impactYear1),
        impactYear1Exact: exact(o.impactYear1),
        valuesByYear: o.values.map(money),
        valuesByYearExact: o.values.map(exact),
        presentValue: money(o.presentValue),
        presentValueExact: exact(o.presentValue),
      })),
    byStakeholder: (r) =>
      r.calculation.byStakeholder.map((s) => ({ stakeholder: s.stakeholder, presentValue: money(s.presentValue), presentValueExact: exact(s.presentValue) })),
    byYear: (r) =>
      r.calculation.byYear.map((y) => ({
        year: y.year,
        value: money(y.value),
        valueExact: exact(y.value),
        presentValue: money(y.presentValue),
        presentValueExact: exact(y.presentValue),
      })),
    sensitivity: (r) =>
      sensitivityOf(r).map((s, i) => {
        const proxy = s.breakEvens.find((b) => b.assumption === 'FINANCIAL_PROXY')!;
        return {
          outcome: r.outcomes[i],
          variations: s.variations.map((v) => ({
            assumption: v.assumption,
            baseValue: exact(v.base),
            lowValue: exact(v.lowValue),
            lowRatio: displayOrNull(v.lowRatio, 2),
            lowRatioExact: exactOrNull(v.lowRatio),
            highValue: exact(v.highValue),
            highRatio: displayOrNull(v.highRatio, 2),
            highRatioExact: exactOrNull(v.highRatio),
          })),
          breakEvens: s.breakEvens.map((b) => breakEvenValue(b, valueOf(r.outcomeInputs[i], b.assumption))),
          breakEvenProxy: proxy.status === 'REACHED' ? money(proxy.value!) : null,
          breakEvenProxyExact: proxy.status === 'REACHED' ? exact(proxy.value!) : null,
          breakEvenExplanation: explainBreakEvenProxy(proxy),
        };
      }),
    twoWaySensitivity(r) {
      const table = twoWaySensitivity(r.outcomeInputs, r.parameters, sensitivityOf(r));
      if (!table) return null;
      const axis = (a: TwoWayTable['rows']) => ({ outcome: r.outcomes[a.index], assumption: a.assumption, values: a.values.map(exact), swing: exact(a.swing) });
      return { rows: axis(table.rows), columns: axis(table.columns), ratios: table.ratios.map((row) => row.map(exact)) };
    },
    warnings: (r) => warningsOf(r.analysis, r.outcomes, r.outcomeInputs, r.quantityMeasurements),
  },
  Mutation: {
    async createSroiAnalysis(_parent, { input }, context) {
      await requireRegisteredSteward(context, isUuid(input.neighbourhoodId) ? input.neighbourhoodId : null);
      const { db, viewer, services } = context;
      const result = await mutations.createAnalysis(db, viewer, input, services.references);
      return isViolation(result) ? asError(result) : { __typename: 'SroiAnalysisPayload', analysis: result };
    },
    async updateSroiAnalysis(_parent, { id, input }, context) {
      await requireRegisteredSteward(context, await analysisNeighbourhood(context, id));
      const result = await mutations.updateAnalysis(context.db, context.viewer, id, input);
      return isViolation(result) ? asError(result) : { __typename: 'SroiAnalysisPayload', analysis: result };
    },
    async addSroiOutcome(_parent, { analysisId, input }, context) {
      await requireRegisteredSteward(context, await analysisNeighbourhood(context, analysisId));
      const result = await mutations.addOutcome(context.db, context.viewer, analysisId, input);
      return isViolation(result) ? asError(result) : { __typename: 'SroiOutcomePayload', ...result };
    },
    async updateSroiOutcome(_parent, { id, input }, context) {
      await requireRegisteredSteward(context, await outcomeNeighbourhood(context, id));
      const result = await mutations.updateOutcome(context.db, context.viewer, id, input);
      return isViolation(result) ? asError(result) : { __typename: 'SroiOutcomePayload', ...result };
    },
    async removeSroiOutcome(_parent, { id }, context) {
      await requireRegisteredSteward(context, await outcomeNeighbourhood(context, id));
      const result = await mutations.removeOutcome(context.db, context.viewer, id);
      return isViolation(result) ? asError(result) : { __typename: 'SroiOutcomeRemovedPayload', removedOutcomeId: id, analysis: result };
    },
    async recordSroiMeasurement(_parent, { outcomeId, input }, context) {
      await requireRegisteredSteward(context, await outcomeNeighbourhood(context, outcomeId));
      const result = await mutations.recordMeasurement(context.db, context.viewer, outcomeId, input);
      return isViolation(result) ? asError(result) : { __typename: 'SroiMeasurementPayload', ...result };
    },
    async publishSroiAnalysis(_parent, { id }, context) {
      await requireRegisteredSteward(context, await analysisNeighbourhood(context, id));
      const { db, viewer, services, requestId, events } = context;
      const result = await mutations.publishAnalysis(db, viewer, id, (projectId) => readProjectBooks(services.graph, projectId, requestId), events);
      return isViolation(result) ? asError(result) : { __typename: 'SroiAnalysisPayload', analysis: result };
    },
    async reviseSroiAnalysis(_parent, { id }, context) {
      await requireRegisteredSteward(context, await analysisNeighbourhood(context, id));
      const result = await mutations.reviseAnalysis(context.db, context.viewer, id);
      return isViolation(result) ? asError(result) : { __typename: 'SroiAnalysisPayload', analysis: result };
    },
    async linkBidSroiForecast(_parent, { bidId, analysisId }, context) {
      await requireRegisteredSteward(context, await analysisNeighbourhood(context, analysisId));
      const { db, viewer, services, events } = context;
      const result = await mutations.linkBidForecast(db, viewer, bidId, analysisId, services.references, events);
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
      return withBooks(forecast, project);
    },
  },
};

/**
 * Impact's writes are stewards' (SROI analyses, outcomes, measurements, bid
 * links), and a steward acts as a registered member of the analysis's
 * neighbourhood, not on a token alone. Checked before the mutation opens its
 * transaction, so no row stays locked while the graph is asked; an id that
 * names no analysis is left to the mutation, which refuses it as it always did.
 */
async function requireRegisteredSteward(context: Context, neighbourhoodId: string | null | undefined): Promise<void> {
  if (neighbourhoodId) await requireRegisteredMember(context, neighbourhoodId, 'write SROI analyses', ['steward']);
}

/** An analysis's neighbourhood never changes, so an unlocked read is enough to check who may write it. */
async function analysisNeighbourhood(context: Context, id: string): Promise<string | null> {
  return isUuid(id) ? ((await context.loaders.analysis.load(id))?.neighbourhoodId ?? null) : null;
}

async function outcomeNeighbourhood(context: Context, id: string): Promise<string | null> {
  const outcome = isUuid(id) ? await context.loaders.outcome.load(id) : null;
  return outcome ? analysisNeighbourhood(context, outcome.analysisId) : null;
}

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
