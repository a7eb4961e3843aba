import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { EventRecorder } from '@dbwe/platform';
import { impactEvent } from '../events';
import { auditOf, badInput, notFound, requireRole, type Viewer } from '@dbwe/platform';
import { AnalysisEntity, type SroiKind } from './analysis.entity';
import { OutcomeEntity } from './outcome.entity';
import { StakeholderEntity } from './stakeholder.entity';
import { InKindInputEntity } from './in-kind-input.entity';
import { MeasurementEntity } from './measurement.entity';
import { BidForecastEntity } from '../bids/bid-forecast.entity';
import { PublishedSnapshotEntity } from './published-snapshot.entity';
import type { ProjectBooks } from '../books/ledger-books';
import type { ImpactReferences } from '../integrity/references.service';
import { bidViolation, projectViolation } from '../integrity/reference-checks';
import { exact, exactOrNull } from './numbers';
import { buildResult, inputsFromBooks } from './sroi-result';
import {
  checkPeriod,
  checkPlannedInputs,
  isViolation,
  parseDiscountRate,
  validateInKindInputs,
  validateMeasurement,
  validateOutcome,
  validateStakeholders,
  validateVolunteerHourRate,
  violation,
  type InKindText,
  type OutcomeText,
  type StakeholderText,
  type Violation,
  type VolunteerHourRateText,
} from './rules';

/**
 * Writes to the impact map. Each function runs in one transaction, locks the
 * analysis row it changes, checks the viewer is a steward of its
 * neighbourhood, and returns either the changed rows or the first broken
 * rule, in which case nothing was written.
 */

const ACTION = 'write SROI analyses';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name a row and is refused before it reaches the database. */
function requireId(id: string, field: string): void {
  if (!UUID.test(id)) throw badInput(`${field} must be an id (a UUID), got "${id}".`, field);
}

/** Texts have the lengths the tables allow; a malformed request is refused as bad input. */
function requireLength(text: string, field: string, max: number): void {
  const length = text.trim().length;
  if (length < 1 || length > max) throw badInput(`${field} must be 1 to ${max} characters long.`, field);
}

function checkTexts(input: { title?: string | null; stakeholders?: StakeholderText[] | null; inKindInputs?: InKindText[] | null }): void {
  if (input.title != null) requireLength(input.title, 'title', 200);
  input.stakeholders?.forEach((s, i) => requireLength(s.name, `stakeholders[${i}].name`, 120));
  input.inKindInputs?.forEach((k, i) => requireLength(k.description, `inKindInputs[${i}].description`, 500));
}

export interface CreateAnalysisInput {
  projectId: string;
  neighbourhoodId: string;
  kind: SroiKind;
  title: string;
  periodStart: string;
  periodEnd: string;
  discountRate?: string | null;
  discountFirstYear?: boolean | null;
  stakeholders: StakeholderText[];
  inKindInputs?: InKindText[] | null;
  plannedInputs?: string | null;
  volunteerHourRate?: VolunteerHourRateText | null;
}

export interface UpdateAnalysisInput {
  title?: string | null;
  periodStart?: string | null;
  periodEnd?: string | null;
  discountRate?: string | null;
  discountFirstYear?: boolean | null;
  stakeholders?: StakeholderText[] | null;
  inKindInputs?: InKindText[] | null;
  plannedInputs?: string | null;
  clearPlannedInputs?: boolean | null;
  volunteerHourRate?: VolunteerHourRateText | null;
  clearVolunteerHourRate?: boolean | null;
}

/** Locks an analysis for a change and checks the viewer may change it. */
async function lockForChange(tx: EntityManager, viewer: Viewer, id: string): Promise<AnalysisEntity> {
  requireId(id, 'id');
  const analysis = await tx.getRepository(AnalysisEntity).createQueryBuilder('a').setLock('pessimistic_write').where('a.id = :id', { id }).getOne();
  if (!analysis) throw notFound(`There is no SROI analysis ${id}.`);
  requireRole(viewer, ['steward'], analysis.neighbourhoodId, ACTION);
  return analysis;
}

const publishedViolation = (a: AnalysisEntity) =>
  violation('AnalysisPublishedError', `"${a.title}" is published and cannot change; start a revision (reviseSroiAnalysis) instead.`);

async function lockDraft(tx: EntityManager, viewer: Viewer, id: string): Promise<AnalysisEntity | Violation> {
  const analysis = await lockForChange(tx, viewer, id);
  return analysis.status === 'PUBLISHED' ? publishedViolation(analysis) : analysis;
}

/** A change to a part of a draft (outcome, measurement) is a change to the analysis: incremental sync reads its updatedAt. */
async function touch(tx: EntityManager, analysisId: string, at: Date): Promise<void> {
  await tx.getRepository(AnalysisEntity).update({ id: analysisId }, { updatedAt: at });
}

function stakeholderRows(analysisId: string, stakeholders: StakeholderText[]): StakeholderEntity[] {
  return stakeholders.map((s, position) => ({ analysisId, name: s.name, description: s.description, position }));
}

function inKindRows(analysisId: string, inputs: InKindText[]): InKindInputEntity[] {
  return inputs.map((i, position) => ({ analysisId, position, ...i }));
}

export async function createAnalysis(db: DataSource, viewer: Viewer, input: CreateAnalysisInput, references: ImpactReferences): Promise<AnalysisEntity | Violation> {
  requireId(input.projectId, 'projectId');
  requireId(input.neighbourhoodId, 'neighbourhoodId');
  requireRole(viewer, ['steward'], input.neighbourhoodId, ACTION);
  checkTexts(input);
  const rate = parseDiscountRate(input.discountRate ?? '0.035');
  if (isViolation(rate)) return rate;
  const period = checkPeriod(input.periodStart, input.periodEnd);
  if (period) return period;
  const stakeholders = validateStakeholders(input.stakeholders);
  if (isViolation(stakeholders)) return stakeholders;
  const inKind = validateInKindInputs(input.inKindInputs ?? []);
  if (isViolation(inKind)) return inKind;
  const planned = checkPlannedInputs(input.kind, input.plannedInputs);
  if (isViolation(planned)) return planned;
  const hourRate = input.volunteerHourRate ? validateVolunteerHourRate(input.volunteerHourRate) : null;
  if (isViolation(hourRate)) return hourRate;
  const foreign = await projectViolation(references, input.projectId, input.neighbourhoodId);
  if (foreign) return foreign;

  const now = new Date();
  const analysis: AnalysisEntity = {
    id: randomUUID(),
    projectId: input.projectId,
    neighbourhoodId: input.neighbourhoodId,
    kind: input.kind,
    status: 'DRAFT',
    title: input.title.trim(),
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    discountRate: rate.toString(),
    discountFirstYear: input.discountFirstYear ?? true,
    plannedInputs: planned?.toString() ?? null,
    volunteerHourRate: hourRate?.rate ?? null,
    volunteerHourRateSource: hourRate?.source ?? null,
    supersedesId: null,
    createdBy: viewer.memberId,
    publishedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  await db.transaction(async (tx) => {
    await tx.getRepository(AnalysisEntity).insert(analysis);
    if (stakeholders.length > 0) await tx.getRepository(StakeholderEntity).insert(stakeholderRows(analysis.id, stakeholders));
    if (inKind.length > 0) await tx.getRepository(InKindInputEntity).insert(inKindRows(analysis.id, inKind));
  });
  return analysis;
}

export async function updateAnalysis(db: DataSource, viewer: Viewer, id: string, input: UpdateAnalysisInput): Promise<AnalysisEntity | Violation> {
  return db.transaction(async (tx) => {
    const analysis = await lockDraft(tx, viewer, id);
    if (isViolation(analysis)) return analysis;
    checkTexts(input);
    const changes: Partial<AnalysisEntity> = { updatedAt: new Date() };
    if (input.title != null) changes.title = input.title.trim();
    if (input.periodStart != null) changes.periodStart = input.periodStart;
    if (input.periodEnd != null) changes.periodEnd = input.periodEnd;
    const period = checkPeriod(changes.periodStart ?? analysis.periodStart, changes.periodEnd ?? analysis.periodEnd);
    if (period) return period;
    if (input.discountRate != null) {
      const rate = parseDiscountRate(input.discountRate);
      if (isViolation(rate)) return rate;
      changes.discountRate = rate.toString();
    }
    if (input.discountFirstYear != null) changes.discountFirstYear = input.discountFirstYear;
    if (input.clearPlannedInputs) changes.plannedInputs = null;
    else if (input.plannedInputs != null) {
      const planned = checkPlannedInputs(analysis.kind, input.plannedInputs);
      if (isViolation(planned)) return planned;
      changes.plannedInputs = planned?.toString() ?? null;
    }
    if (input.clearVolunteerHourRate) {
      changes.volunteerHourRate = null;
      changes.volunteerHourRateSource = null;
    } else if (input.volunteerHourRate) {
      const hourRate = validateVolunteerHourRate(input.volunteerHourRate);
      if (isViolation(hourRate)) return hourRate;
      changes.volunteerHourRate = hourRate.rate;
      changes.volunteerHourRateSource = hourRate.source;
    }
    let stakeholders: StakeholderText[] | null = null;
    if (input.stakeholders) {
      const outcomes = await tx.getRepository(OutcomeEntity).find({ where: { analysisId: id }, select: { stakeholder: true } });
      const checked = validateStakeholders(input.stakeholders, [...new Set(outcomes.map((o) => o.stakeholder))]);
      if (isViolation(checked)) return checked;
      stakeholders = checked;
    }
    let inKind: InKindText[] | null = null;
    if (input.inKindInputs) {
      const checked = validateInKindInputs(input.inKindInputs);
      if (isViolation(checked)) return checked;
      inKind = checked;
    }

    await tx.getRepository(AnalysisEntity).update({ id }, changes);
    if (stakeholders) {
      // Outcomes refer to stakeholders by name: upsert the kept and new ones, then drop the unused.
      await tx
        .createQueryBuilder()
        .insert()
        .into(StakeholderEntity)
        .values(stakeholderRows(id, stakeholders))
        .orUpdate(['description', 'position'], ['analysis_id', 'name'])
        .execute();
      await tx
        .createQueryBuilder()
        .delete()
        .from(StakeholderEntity)
        .where('analysis_id = :id', { id })
        .andWhere('name <> ALL(:names)', { names: stakeholders.map((s) => s.name) })
        .execute();
    }
    if (inKind) {
      await tx.getRepository(InKindInputEntity).delete({ analysisId: id });
      if (inKind.length > 0) await tx.getRepository(InKindInputEntity).insert(inKindRows(id, inKind));
    }
    return { ...analysis, ...changes };
  });
}

async function stakeholderNames(tx: EntityManager, analysisId: string): Promise<string[]> {
  const rows = await tx.getRepository(StakeholderEntity).find({ where: { analysisId }, order: { position: 'ASC' } });
  return rows.map((s) => s.name);
}

export async function addOutcome(db: DataSource, viewer: Viewer, analysisId: string, input: OutcomeText): Promise<{ outcome: OutcomeEntity; analysis: AnalysisEntity } | Violation> {
  return db.transaction(async (tx) => {
    const analysis = await lockDraft(tx, viewer, analysisId);
    if (isViolation(analysis)) return analysis;
    requireLength(input.description, 'description', 500);
    const values = validateOutcome(input, await stakeholderNames(tx, analysisId));
    if (isViolation(values)) return values;
    const now = new Date();
    const outcome: OutcomeEntity = { id: randomUUID(), analysisId, ...values, createdAt: now, updatedAt: now };
    await tx.getRepository(OutcomeEntity).insert(outcome);
    await touch(tx, analysisId, now);
    return { outcome, analysis: { ...analysis, updatedAt: now } };
  });
}

/** The outcome and its analysis, the analysis locked for a change. */
async function lockOutcome(tx: EntityManager, viewer: Viewer, outcomeId: string): Promise<{ outcome: OutcomeEntity; analysis: AnalysisEntity | Violation }> {
  requireId(outcomeId, 'id');
  const outcome = await tx.getRepository(OutcomeEntity).findOneBy({ id: outcomeId });
  if (!outcome) throw notFound(`There is no SROI outcome ${outcomeId}.`);
  return { outcome, analysis: await lockDraft(tx, viewer, outcome.analysisId) };
}

export async function updateOutcome(db: DataSource, viewer: Viewer, outcomeId: string, input: OutcomeText): Promise<{ outcome: OutcomeEntity; analysis: AnalysisEntity } | Violation> {
  return db.transaction(async (tx) => {
    const { outcome, analysis } = await lockOutcome(tx, viewer, outcomeId);
    if (isViolation(analysis)) return analysis;
    requireLength(input.description, 'description', 500);
    const values = validateOutcome(input, await stakeholderNames(tx, analysis.id));
    if (isViolation(values)) return values;
    const now = new Date();
    await tx.getRepository(OutcomeEntity).update({ id: outcomeId }, { ...values, updatedAt: now });
    await touch(tx, analysis.id, now);
    return { outcome: { ...outcome, ...values, updatedAt: now }, analysis: { ...analysis, updatedAt: now } };
  });
}

export async function removeOutcome(db: DataSource, viewer: Viewer, outcomeId: string): Promise<AnalysisEntity | Violation> {
  return db.transaction(async (tx) => {
    const { analysis } = await lockOutcome(tx, viewer, outcomeId);
    if (isViolation(analysis)) return analysis;
    await tx.getRepository(OutcomeEntity).delete({ id: outcomeId });
    const now = new Date();
    await touch(tx, analysis.id, now);
    return { ...analysis, updatedAt: now };
  });
}

export interface MeasurementText {
  measuredOn: string;
  value: string;
  measuresQuantity?: boolean | null;
  source: string;
  note?: string | null;
}

export async function recordMeasurement(db: DataSource, viewer: Viewer, outcomeId: string, input: MeasurementText): Promise<{ measurement: MeasurementEntity; outcome: OutcomeEntity } | Violation> {
  return db.transaction(async (tx) => {
    const { outcome, analysis } = await lockOutcome(tx, viewer, outcomeId);
    if (isViolation(analysis)) return analysis;
    if (analysis.kind !== 'EVALUATIVE') {
      return violation('NotAnEvaluationError', 'Measured indicator values belong to an evaluation; a forecast states its expected quantities.', 'outcomeId');
    }
    const values = validateMeasurement(input);
    if (isViolation(values)) return values;
    const now = new Date();
    const measurement: MeasurementEntity = {
      id: randomUUID(),
      outcomeId,
      measuredOn: input.measuredOn,
      value: values.value,
      measuresQuantity: values.measuresQuantity,
      source: input.source.trim(),
      note: input.note?.trim() || null,
      recordedAt: now,
    };
    await tx.getRepository(MeasurementEntity).insert(measurement);
    // The measurements are part of the outcome (Outcome.measurements), so it changed too.
    await tx.getRepository(OutcomeEntity).update({ id: outcomeId }, { updatedAt: now });
    await touch(tx, analysis.id, now);
    return { measurement, outcome: { ...outcome, updatedAt: now } };
  });
}

/**
 * Publishes a draft and keeps its result as of this moment: the books are
 * read from the ledger now (readBooks), inside the transaction that holds the
 * analysis locked, so the snapshot is of exactly the impact map published.
 * When the ledger cannot be read, nothing is published.
 */
export async function publishAnalysis(
  db: DataSource,
  viewer: Viewer,
  id: string,
  readBooks: (projectId: string) => Promise<ProjectBooks>,
  events: EventRecorder,
): Promise<AnalysisEntity | Violation> {
  return db.transaction(async (tx) => {
    const analysis = await lockDraft(tx, viewer, id);
    if (isViolation(analysis)) return analysis;
    const outcomes = await tx.getRepository(OutcomeEntity).find({ where: { analysisId: id }, order: { createdAt: 'ASC', id: 'ASC' } });
    if (outcomes.length === 0) {
      return violation('NoOutcomesError', `"${analysis.title}" has no outcomes yet; add at least one before publishing.`);
    }
    const inKind = await tx.getRepository(InKindInputEntity).find({ where: { analysisId: id }, order: { position: 'ASC' } });
    const measurements = await tx.getRepository(MeasurementEntity).findBy({ outcomeId: In(outcomes.map((o) => o.id)) });
    const read = analysis.plannedInputs === null ? await readBooks(analysis.projectId) : { days: [], checkpoint: null };
    const books = read.days;
    const now = new Date();
    const inputs = inputsFromBooks(analysis, books, now, 'AS_PUBLISHED')!;
    const { calculation, declaredInKind, inKind: allInKind } = buildResult(
      analysis,
      { outcomes, inKind, measurements: outcomes.map((o) => measurements.filter((m) => m.outcomeId === o.id)) },
      inputs,
    );
    const snapshot: PublishedSnapshotEntity = {
      analysisId: id,
      takenAt: now,
      basis: inputs.basis,
      monetary: exact(inputs.monetary),
      spendingOutsidePeriod: exactOrNull(inputs.spendingOutsidePeriod),
      volunteerHours: inputs.volunteerHours ? exact(inputs.volunteerHours.hours) : null,
      declaredInKind: exact(declaredInKind),
      inKind: exact(allInKind),
      inputs: exact(calculation.inputs),
      presentValue: exact(calculation.presentValue),
      netPresentValue: exact(calculation.netPresentValue),
      ratio: exactOrNull(calculation.ratio),
      netRatio: exactOrNull(calculation.netRatio),
      paybackMonths: exactOrNull(calculation.paybackMonths),
      checkpointOrigin: read.checkpoint?.origin ?? null,
      checkpointTreeSize: read.checkpoint ? String(read.checkpoint.size) : null,
      checkpointRootHash: read.checkpoint?.rootHash ?? null,
      checkpointNote: read.checkpoint?.note ?? null,
    };
    // While the analysis is still a draft: afterwards its parts, the snapshot among them, are immutable.
    await tx.getRepository(PublishedSnapshotEntity).insert(snapshot);
    const changes = { status: 'PUBLISHED' as const, publishedAt: now, updatedAt: now };
    await tx.getRepository(AnalysisEntity).update({ id }, changes);
    const published = { ...analysis, ...changes };
    await events.record(tx, impactEvent.analysisPublished(published, snapshot, auditOf(viewer, ['steward'], analysis.neighbourhoodId, 'Published the SROI analysis')));
    return published;
  });
}

/** A revision: a new draft copying the published analysis, its stakeholders, outcomes and in-kind inputs. */
export async function reviseAnalysis(db: DataSource, viewer: Viewer, id: string): Promise<AnalysisEntity | Violation> {
  return db.transaction(async (tx) => {
    const original = await lockForChange(tx, viewer, id);
    if (original.status !== 'PUBLISHED') {
      return violation('AnalysisNotPublishedError', `"${original.title}" is still a draft: change it directly instead of revising it.`);
    }
    const existing = await tx.getRepository(AnalysisEntity).findOneBy({ supersedesId: id });
    if (existing) return violation('AlreadyRevisedError', `"${original.title}" already has a revision (${existing.id}); change or revise that one.`);
    const now = new Date();
    const revision: AnalysisEntity = {
      ...original,
      id: randomUUID(),
      status: 'DRAFT',
      supersedesId: id,
      createdBy: viewer.memberId,
      publishedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await tx.getRepository(AnalysisEntity).insert(revision);
    const stakeholders = await tx.getRepository(StakeholderEntity).findBy({ analysisId: id });
    if (stakeholders.length > 0) await tx.getRepository(StakeholderEntity).insert(stakeholders.map((s) => ({ ...s, analysisId: revision.id })));
    const inKind = await tx.getRepository(InKindInputEntity).findBy({ analysisId: id });
    if (inKind.length > 0) await tx.getRepository(InKindInputEntity).insert(inKind.map((i) => ({ ...i, analysisId: revision.id })));
    const outcomes = await tx.getRepository(OutcomeEntity).find({ where: { analysisId: id }, order: { createdAt: 'ASC', id: 'ASC' } });
    // Keep the original order: createdAt is the order key, so space copies a millisecond apart.
    const copies = outcomes.map((o, i) => ({ ...o, id: randomUUID(), analysisId: revision.id, createdAt: new Date(now.getTime() + i), updatedAt: now }));
    if (copies.length > 0) await tx.getRepository(OutcomeEntity).insert(copies);
    // The evidence goes along: the revision's outcomes keep their measured values.
    const copyOf = new Map(outcomes.map((o, i) => [o.id, copies[i].id]));
    const measurements = outcomes.length > 0 ? await tx.getRepository(MeasurementEntity).findBy({ outcomeId: In([...copyOf.keys()]) }) : [];
    if (measurements.length > 0) {
      await tx.getRepository(MeasurementEntity).insert(measurements.map((m) => ({ ...m, id: randomUUID(), outcomeId: copyOf.get(m.outcomeId)! })));
    }
    return revision;
  });
}

export async function linkBidForecast(
  db: DataSource,
  viewer: Viewer,
  bidId: string,
  analysisId: string,
  references: ImpactReferences,
  events: EventRecorder,
): Promise<AnalysisEntity | Violation> {
  requireId(bidId, 'bidId');
  requireId(analysisId, 'analysisId');
  const analysis = await db.getRepository(AnalysisEntity).findOneBy({ id: analysisId });
  if (!analysis) throw notFound(`There is no SROI analysis ${analysisId}.`);
  requireRole(viewer, ['steward'], analysis.neighbourhoodId, 'link an SROI forecast to a bid');
  if (analysis.kind !== 'FORECAST') {
    return violation('NotAForecastError', `"${analysis.title}" is an evaluation; a bid is supported by a forecast of the value it will create.`, 'analysisId');
  }
  // The bid's neighbourhood, not only the analysis's: a steward links forecasts to their own neighbourhood's bids.
  const foreign = await bidViolation(references, bidId, analysis.neighbourhoodId);
  if (foreign) return foreign;
  return db.transaction(async (tx) => {
    const now = new Date();
    await tx
      .createQueryBuilder()
      .insert()
      .into(BidForecastEntity)
      .values({ bidId, analysisId, linkedBy: viewer.memberId, updatedAt: now })
      .orUpdate(['analysis_id', 'linked_by', 'updated_at'], ['bid_id'])
      .execute();
    // A draft forecast is shown to stewards only; the link travels once the public can see it.
    if (analysis.status === 'PUBLISHED') {
      await events.record(tx, impactEvent.bidForecastLinked(analysis, bidId, now, auditOf(viewer, ['steward'], analysis.neighbourhoodId, 'Linked the SROI forecast to the bid')));
    }
    return analysis;
  });
}
