import type { AnalysisView } from './analysis.view';
import type { AnalysisEntity } from './analysis.entity';
import type { InKindInputEntity } from './in-kind-input.entity';
import type { MeasurementEntity } from './measurement.entity';
import type { OutcomeEntity } from './outcome.entity';
import type { PublishedSnapshotEntity } from './published-snapshot.entity';
import { withinPeriod, type BookingDay } from '../books/books';
import { calculateSroi, dec, type Dec, type OutcomeInput, type SroiCalculation, type SroiParameters } from './sroi';

export type InputsBasis = 'LEDGER_SPENDING' | 'PLANNED_INPUTS';
export type ResultKind = 'LIVE' | 'AS_PUBLISHED';

/** A signed checkpoint of the neighbourhood's books, as the snapshot records it. */
export interface BooksCheckpoint {
  origin: string;
  treeSize: string;
  rootHash: string;
  note: string;
}

/** The volunteer hours booked within the period, valued at the analysis's rate. */
export interface VolunteerHoursInput {
  hours: Dec;
  rate: Dec;
  source: string;
  value: Dec;
}

/** Everything a result takes from outside the (immutable) impact map: the books, or the planned inputs. */
export interface ResultInputs {
  kind: ResultKind;
  /** When the books were read: now, or the moment of publication. */
  asOf: Date;
  basis: InputsBasis;
  monetary: Dec;
  /** Null for planned inputs. */
  spendingOutsidePeriod: Dec | null;
  /** Null when the analysis counts no booked hours (no rate, or planned inputs). */
  volunteerHours: VolunteerHoursInput | null;
  checkpoint: BooksCheckpoint | null;
}

/** What SroiResult's resolvers receive: the analysis, its rows and the calculation over them. */
export interface SroiResultValue {
  analysis: AnalysisView;
  outcomes: OutcomeEntity[];
  /** Per outcome, the measurement whose value is the quantity used, or null when the stated quantity is used. */
  quantityMeasurements: (MeasurementEntity | null)[];
  inputs: ResultInputs;
  declaredInKind: Dec;
  /** Declared in-kind inputs plus the value of the booked volunteer hours. */
  inKind: Dec;
  parameters: SroiParameters;
  outcomeInputs: OutcomeInput[];
  calculation: SroiCalculation;
}

/**
 * The measurement whose value an evaluation uses as the outcome's quantity:
 * the latest (by date measured, then by when it was recorded) that counts
 * the quantity and was measured within the analysis period. Null for a
 * forecast, or when there is none: the stated quantity is used then.
 */
export function quantityMeasurement(analysis: AnalysisEntity, measurements: readonly MeasurementEntity[]): MeasurementEntity | null {
  if (analysis.kind !== 'EVALUATIVE') return null;
  let latest: MeasurementEntity | null = null;
  for (const m of measurements) {
    if (!m.measuresQuantity || m.measuredOn < analysis.periodStart || m.measuredOn > analysis.periodEnd) continue;
    if (!latest || m.measuredOn > latest.measuredOn || (m.measuredOn === latest.measuredOn && m.recordedAt > latest.recordedAt)) latest = m;
  }
  return latest;
}

export function toOutcomeInput(o: OutcomeEntity, measured: MeasurementEntity | null = null): OutcomeInput {
  return {
    id: o.id,
    stakeholder: o.stakeholder,
    quantity: dec(measured ? measured.value : o.quantity),
    financialProxy: dec(o.proxyValue),
    durationYears: o.durationYears,
    dropOff: dec(o.dropOff),
    deadweight: dec(o.deadweight),
    displacement: dec(o.displacement),
    attribution: dec(o.attribution),
    negative: o.negative,
  };
}

export const inKindValue = (i: InKindInputEntity): Dec => dec(i.quantity).times(dec(i.rate));
export const inKindTotal = (inputs: InKindInputEntity[]): Dec => inputs.reduce((sum, i) => sum.plus(inKindValue(i)), dec(0));

/** A forecast's planned inputs: no books involved. */
function plannedInputs(analysis: AnalysisEntity, asOf: Date): ResultInputs {
  return { kind: 'LIVE', asOf, basis: 'PLANNED_INPUTS', monetary: dec(analysis.plannedInputs!), spendingOutsidePeriod: null, volunteerHours: null, checkpoint: null };
}

/**
 * The inputs from the books: spending and, at the analysis's rate, volunteer
 * hours, each booked on the project with a booking date inside the analysis
 * period (both ends included). Planned inputs, when a forecast states them.
 */
export function inputsFromBooks(analysis: AnalysisEntity, days: readonly BookingDay[] | undefined, asOf: Date, kind: ResultKind = 'LIVE'): ResultInputs | null {
  if (analysis.plannedInputs !== null) return { ...plannedInputs(analysis, asOf), kind };
  if (days === undefined) return null;
  const figures = withinPeriod(days, analysis.periodStart, analysis.periodEnd);
  const volunteerHours =
    analysis.volunteerHourRate === null
      ? null
      : { hours: figures.hours, rate: dec(analysis.volunteerHourRate), source: analysis.volunteerHourRateSource!, value: figures.hours.times(dec(analysis.volunteerHourRate)) };
  return { kind, asOf, basis: 'LEDGER_SPENDING', monetary: figures.spent, spendingOutsidePeriod: figures.spentOutside, volunteerHours, checkpoint: null };
}

/** The inputs as they were at publication, from the snapshot. */
export function inputsFromSnapshot(analysis: AnalysisEntity, s: PublishedSnapshotEntity): ResultInputs {
  const volunteerHours =
    s.volunteerHours === null || analysis.volunteerHourRate === null
      ? null
      : { hours: dec(s.volunteerHours), rate: dec(analysis.volunteerHourRate), source: analysis.volunteerHourRateSource!, value: dec(s.volunteerHours).times(dec(analysis.volunteerHourRate)) };
  return {
    kind: 'AS_PUBLISHED',
    asOf: s.takenAt,
    basis: s.basis,
    monetary: dec(s.monetary),
    spendingOutsidePeriod: s.spendingOutsidePeriod === null ? null : dec(s.spendingOutsidePeriod),
    volunteerHours,
    checkpoint:
      s.checkpointOrigin === null ? null : { origin: s.checkpointOrigin, treeSize: s.checkpointTreeSize!, rootHash: s.checkpointRootHash!, note: s.checkpointNote! },
  };
}

/** The rows of an analysis a result is computed from. */
export interface ImpactMap {
  outcomes: OutcomeEntity[];
  inKind: InKindInputEntity[];
  /** Per outcome (same order), its measurements. */
  measurements: MeasurementEntity[][];
}

export function buildResult(analysis: AnalysisView, map: ImpactMap, inputs: ResultInputs): SroiResultValue {
  const declaredInKind = inKindTotal(map.inKind);
  const inKind = declaredInKind.plus(inputs.volunteerHours?.value ?? 0);
  const parameters: SroiParameters = {
    discountRate: dec(analysis.discountRate),
    discountFirstYear: analysis.discountFirstYear,
    inputs: inputs.monetary.plus(inKind),
  };
  const quantityMeasurements = map.outcomes.map((_, i) => quantityMeasurement(analysis, map.measurements[i] ?? []));
  const outcomeInputs = map.outcomes.map((o, i) => toOutcomeInput(o, quantityMeasurements[i]));
  return {
    analysis,
    outcomes: map.outcomes,
    quantityMeasurements,
    inputs,
    declaredInKind,
    inKind,
    parameters,
    outcomeInputs,
    calculation: calculateSroi(outcomeInputs, parameters),
  };
}

/**
 * The result as published. The impact map cannot change after publication,
 * so recomputing from the kept inputs gives the published result; the
 * headline figures are nonetheless served as they were kept.
 */
export function buildSnapshotResult(analysis: AnalysisView, map: ImpactMap, snapshot: PublishedSnapshotEntity): SroiResultValue {
  const result = buildResult(analysis, map, inputsFromSnapshot(analysis, snapshot));
  const kept = (value: string | null) => (value === null ? null : dec(value));
  return {
    ...result,
    calculation: {
      ...result.calculation,
      inputs: dec(snapshot.inputs),
      presentValue: dec(snapshot.presentValue),
      netPresentValue: dec(snapshot.netPresentValue),
      ratio: kept(snapshot.ratio),
      netRatio: kept(snapshot.netRatio),
      paybackMonths: kept(snapshot.paybackMonths),
    },
  };
}
