import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { auditReason, badInput, forbidden, isUuid, notFound, requireRole, type AuditFact } from '@dbwe/platform';
import { requireRegisteredMemberOfServed } from '../integrity/registered-member';
import type { Context } from '../context';
import { bidEvent as bidEvents } from '../events';
import type { AssessCriterionInput, DecideBidInput, DraftBidInput, ProjectsErrorCode, UpdateBidInput } from '../generated/graphql';
import { parseEuros } from '../shared/money';
import { invalidAmount, invalidInput, type InvalidInputResult } from '../shared/results';
import { checkCount, checkTaakveld, checkText, firstViolation, type Violation } from '../shared/validation';
import { ProjectEntity } from '../projects/project.entity';
import { BidAssessmentEntity, BidChallengerEntity, BidEntity, BidEventEntity, type BidEventAction } from './bid.entity';
import { BID_TRANSITIONS, canAssess, canEdit, conflictOfInterest, MAX_SCORE, MIN_SCORE, nextBidStatus, type AssessmentCriterion, type BidAction, type BidRefusal, type BidStatus } from './bid-lifecycle';
import { capacities, requireActor } from './bid.access';
import { firstMemberRefusal } from '../integrity/reference-checks';

const MAX_COMMITMENTS = 20;
const payload = (bid: BidEntity) => ({ __typename: 'BidPayload' as const, bid });

function illegal(status: BidStatus, code: ProjectsErrorCode, message: string, field: string | null = null, missingCriteria: AssessmentCriterion[] = []) {
  return { __typename: 'IllegalBidTransition' as const, code, message, field, status, missingCriteria };
}

function conflicted(status: BidStatus, message: string) {
  return { __typename: 'ChallengerConflictOfInterest' as const, code: 'CONFLICT_OF_INTEREST' as const, message, field: 'bidId', status };
}

/** The lifecycle's refusals, in the schema's words; a refusal of the actor's capacity is an access failure instead. */
function refusalResult(status: BidStatus, refusal: BidRefusal) {
  switch (refusal.code) {
    case 'NOT_ALLOWED_FOR_ROLE':
      throw forbidden(refusal.message);
    case 'ILLEGAL_BID_TRANSITION':
      return illegal(status, refusal.code, refusal.message);
    case 'ASSESSMENT_INCOMPLETE':
      return illegal(status, refusal.code, refusal.message, null, refusal.missing);
    case 'CONDITIONS_REQUIRED':
      return illegal(status, refusal.code, refusal.message, 'conditions');
    case 'RATIONALE_REQUIRED':
      return illegal(status, 'REASON_REQUIRED', refusal.message, 'rationale');
    case 'EXECUTING_PROJECT_REQUIRED':
      return illegal(status, refusal.code, refusal.message, 'projectId');
    case 'CONFLICT_OF_INTEREST':
      return conflicted(status, refusal.message);
  }
}

/** The editable fields of a bid, checked: amounts in cents, or the first rule the input breaks. */
interface BidFields {
  collectiveName?: string | null;
  task?: string | null;
  taskDescription?: string | null;
  currentAnnualCost?: string | null;
  budgetLine?: string | null;
  taakveld?: string | null;
  proposedAnnualBudget?: string | null;
  qualityCommitments?: string[] | null;
  socialAddedValue?: string | null;
  supporterCount?: number | null;
  supportEvidence?: string | null;
}

type Checked =
  | { ok: true; currentAnnualCostCents?: bigint; proposedAnnualBudgetCents?: bigint }
  | { ok: false; error: InvalidInputResult | ReturnType<typeof invalidAmount> };

function checkBidFields(f: BidFields): Checked {
  const commitments = f.qualityCommitments ?? [];
  const violation = firstViolation(
    f.task == null ? null : checkText('task', f.task, 1, 200),
    f.taskDescription == null ? null : checkText('taskDescription', f.taskDescription, 0, 5000),
    f.collectiveName == null ? null : checkText('collectiveName', f.collectiveName, 1, 200),
    f.budgetLine == null ? null : checkText('budgetLine', f.budgetLine, 1, 200),
    checkTaakveld(f.taakveld ?? null),
    f.socialAddedValue == null ? null : checkText('socialAddedValue', f.socialAddedValue, 0, 5000),
    f.supporterCount == null ? null : checkCount('supporterCount', f.supporterCount),
    f.supportEvidence == null ? null : checkText('supportEvidence', f.supportEvidence, 0, 1000),
    commitments.length > MAX_COMMITMENTS
      ? ({ code: 'TEXT_LENGTH', message: `At most ${MAX_COMMITMENTS} quality commitments.`, field: 'qualityCommitments' } satisfies Violation)
      : null,
    ...commitments.map((c, i) => checkText(`qualityCommitments[${i}]`, c, 1, 1000)),
  );
  if (violation) return { ok: false, error: invalidInput(violation) };
  const result: Checked = { ok: true };
  for (const [field, label, key] of [
    ['currentAnnualCost', 'The current annual cost', 'currentAnnualCostCents'],
    ['proposedAnnualBudget', 'The proposed annual budget', 'proposedAnnualBudgetCents'],
  ] as const) {
    const text = f[field];
    if (text == null) continue;
    const parsed = parseEuros(text, label);
    if (!parsed.ok) return { ok: false, error: invalidAmount(parsed.code, parsed.message, field) };
    result[key] = parsed.cents;
  }
  return result;
}

const textOrNull = (value: string | null | undefined) => (value == null || value.trim() === '' ? null : value.trim());

/** Residents and stewards challenge; an official, who assesses bids, does not draft them. */
const CHALLENGER_ROLES = ['resident', 'steward'] as const;

export async function draftBid(context: Context, input: DraftBidInput) {
  const { db, services, events } = context;
  if (!isUuid(input.neighbourhoodId)) throw badInput(`"${input.neighbourhoodId}" is not a neighbourhood id.`, 'neighbourhoodId');
  // The drafter becomes a public challenger, as each co-challenger must be: a registered member of the neighbourhood.
  const registered = await requireRegisteredMemberOfServed(context, input.neighbourhoodId, 'draft a Right to Challenge bid', CHALLENGER_ROLES);
  if ('unserved' in registered) return registered.unserved;
  const drafter = registered.memberId;
  const coChallengers = [...new Set(input.coChallengerIds ?? [])].filter((id) => id !== drafter);
  const bad = coChallengers.find((id) => !isUuid(id));
  if (bad) throw badInput(`"${bad}" is not a member id.`, 'coChallengerIds');
  const checked = checkBidFields(input);
  if (!checked.ok) return checked.error;
  // Everyone named becomes a public challenger with a challenger's powers: each must be a member of the neighbourhood.
  const refused = await firstMemberRefusal(services.references, 'coChallenger', coChallengers, input.neighbourhoodId, (i) => `coChallengerIds.${(input.coChallengerIds ?? []).indexOf(coChallengers[i])}`);
  if (refused) return refused;

  const now = new Date();
  const bid = Object.assign(new BidEntity(), {
    id: randomUUID(),
    neighbourhoodId: input.neighbourhoodId,
    collectiveName: textOrNull(input.collectiveName),
    task: input.task.trim(),
    taskDescription: input.taskDescription.trim(),
    mode: input.mode,
    currentAnnualCostCents: checked.currentAnnualCostCents!,
    budgetLine: input.budgetLine.trim(),
    taakveld: input.taakveld ?? null,
    proposedAnnualBudgetCents: checked.proposedAnnualBudgetCents!,
    qualityCommitments: (input.qualityCommitments ?? []).map((c) => c.trim()),
    socialAddedValue: input.socialAddedValue.trim(),
    supporterCount: input.supporterCount ?? 0,
    supportEvidence: textOrNull(input.supportEvidence),
    status: 'DRAFT' as const,
    decisionOutcome: null,
    decisionRationale: null,
    decisionConditions: null,
    decidedBy: null,
    decidedAt: null,
    executingProjectId: null,
    submittedAt: null,
    createdBy: drafter,
    createdAt: now,
    updatedAt: now,
  });
  await db.transaction(async (tx) => {
    await tx.getRepository(BidEntity).insert(bid);
    await tx.getRepository(BidChallengerEntity).insert([drafter, ...coChallengers].map((memberId, position) => ({ bidId: bid.id, memberId, position })));
    await tx.getRepository(BidEventEntity).insert(bidEvent(bid.id, 'DRAFT', null, 'DRAFT', drafter, now));
    await events.record(tx, bidEvents.drafted(bid, [drafter, ...coChallengers]));
  });
  return payload(bid);
}

function bidEvent(bidId: string, action: BidEventAction, from: BidStatus | null, to: BidStatus, actorId: string, at: Date, extra: Partial<BidEventEntity> = {}): BidEventEntity {
  return Object.assign(new BidEventEntity(), { id: randomUUID(), bidId, action, fromStatus: from, toStatus: to, actorId, at, rationale: null, criterion: null, ...extra });
}

/** A bid, locked for the transaction, with what the lifecycle needs to know about it. */
async function lockBid(tx: EntityManager, id: string) {
  const bid = isUuid(id) ? await tx.getRepository(BidEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
  if (!bid) throw notFound(`There is no Right to Challenge bid ${id}.`);
  const challengers = await tx.getRepository(BidChallengerEntity).find({ where: { bidId: id }, order: { position: 'ASC' } });
  return { bid, challengerIds: challengers.map((c) => c.memberId) };
}

export async function updateBid({ viewer, db, events }: Context, input: UpdateBidInput) {
  const actor = requireActor(viewer, 'edit a Right to Challenge bid');
  return db.transaction(async (tx) => {
    const { bid, challengerIds } = await lockBid(tx, input.bidId);
    if (!challengerIds.includes(actor)) throw forbidden("Only the bid's challengers may edit it.");
    if (!canEdit(bid.status)) {
      return illegal(bid.status, 'BID_NOT_EDITABLE', `Only a DRAFT bid can be edited; this bid is ${bid.status}, and what officials assess does not change under them.`);
    }
    const checked = checkBidFields(input);
    if (!checked.ok) return checked.error;
    const changes: Partial<BidEntity> = { updatedAt: new Date() };
    if (input.collectiveName !== undefined) changes.collectiveName = textOrNull(input.collectiveName);
    if (input.task != null) changes.task = input.task.trim();
    if (input.taskDescription != null) changes.taskDescription = input.taskDescription.trim();
    if (input.mode != null) changes.mode = input.mode;
    if (checked.currentAnnualCostCents !== undefined) changes.currentAnnualCostCents = checked.currentAnnualCostCents;
    if (input.budgetLine != null) changes.budgetLine = input.budgetLine.trim();
    if (input.taakveld !== undefined) changes.taakveld = input.taakveld;
    if (checked.proposedAnnualBudgetCents !== undefined) changes.proposedAnnualBudgetCents = checked.proposedAnnualBudgetCents;
    if (input.qualityCommitments != null) changes.qualityCommitments = input.qualityCommitments.map((c) => c.trim());
    if (input.socialAddedValue != null) changes.socialAddedValue = input.socialAddedValue.trim();
    if (input.supporterCount != null) changes.supporterCount = input.supporterCount;
    if (input.supportEvidence !== undefined) changes.supportEvidence = textOrNull(input.supportEvidence);
    await tx.getRepository(BidEntity).update({ id: bid.id }, changes);
    const fields = Object.keys(changes).filter((k) => k !== 'updatedAt');
    Object.assign(bid, changes);
    await events.record(tx, bidEvents.updated(bid, fields));
    return payload(bid);
  });
}

export interface StepInput {
  bidId: string;
  rationale?: string | null;
  conditions?: string | null;
}

/** One step of the lifecycle (all but starting execution, which names a project). */
export function stepBid(context: Context, action: Exclude<BidAction, 'START_EXECUTION'>, input: StepInput) {
  return transition(context, action, input);
}

export function startExecution(context: Context, input: StepInput & { projectId: string }) {
  return transition(context, 'START_EXECUTION', input, input.projectId, (tx, bid) => checkExecutingProject(tx, bid, input.projectId));
}

/** Decided by nextBidStatus, written with its timeline event in one transaction, the bid row locked. */
async function transition<E = never>(
  { viewer, db, events }: Context,
  action: BidAction,
  input: StepInput,
  executingProjectId: string | null = null,
  precheck?: (tx: EntityManager, bid: BidEntity) => Promise<E | null>,
) {
  const actor = requireActor(viewer, 'act on a Right to Challenge bid');
  return db.transaction(async (tx) => {
    const { bid, challengerIds } = await lockBid(tx, input.bidId);
    const assessed = await tx.getRepository(BidAssessmentEntity).find({ select: { criterion: true }, where: { bidId: bid.id } });
    const actorAs = capacities(viewer, bid, challengerIds);
    const outcome = nextBidStatus(
      { status: bid.status, assessed: assessed.map((a) => a.criterion) },
      { action, actorAs, rationale: input.rationale, conditions: input.conditions, executingProjectId },
    );
    if (!outcome.ok) return refusalResult(bid.status, outcome.refusal);
    const refused = precheck ? await precheck(tx, bid) : null;
    if (refused) return refused;

    const now = new Date();
    const rationale = textOrNull(input.rationale);
    const changes: Partial<BidEntity> = { status: outcome.to, updatedAt: now };
    if (action === 'SUBMIT') changes.submittedAt = now;
    if (action === 'HONOUR' || action === 'HONOUR_WITH_CONDITIONS' || action === 'REJECT') {
      Object.assign(changes, {
        decisionOutcome: outcome.to,
        decisionRationale: rationale,
        decisionConditions: action === 'HONOUR_WITH_CONDITIONS' ? textOrNull(input.conditions) : null,
        decidedBy: actor,
        decidedAt: now,
      });
    }
    if (executingProjectId !== null) changes.executingProjectId = executingProjectId;
    await tx.getRepository(BidEntity).update({ id: bid.id }, changes);
    await tx.getRepository(BidEventEntity).insert(bidEvent(bid.id, action, bid.status, outcome.to, actor, now, { rationale }));
    const from = bid.status;
    Object.assign(bid, changes);
    // A challenger who is also an official starts execution as a challenger: only a step taken as an official is on the audit trail.
    const asOfficial = actorAs.includes('OFFICIAL') && !(BID_TRANSITIONS[action].by.includes('CHALLENGER') && actorAs.includes('CHALLENGER'));
    const audit: AuditFact | null = asOfficial ? { actorId: actor, role: 'official', reason: auditReason(rationale), public: true } : null;
    await events.record(tx, bidEvents.stepped(bid, action, from, actor, now, audit));
    return payload(bid);
  });
}

async function checkExecutingProject(tx: EntityManager, bid: BidEntity, projectId: string) {
  const project = isUuid(projectId) ? await tx.getRepository(ProjectEntity).findOneBy({ id: projectId }) : null;
  if (!project) throw notFound(`There is no project ${projectId}.`);
  const mismatch = (code: ProjectsErrorCode, message: string) => ({ __typename: 'ExecutingProjectMismatch' as const, code, message, field: 'projectId' });
  if (project.neighbourhoodId !== bid.neighbourhoodId) {
    return mismatch('PROJECT_IN_OTHER_NEIGHBOURHOOD', 'The executing project must belong to the neighbourhood the task is performed in.');
  }
  const other = await tx.getRepository(BidEntity).findOneBy({ executingProjectId: projectId });
  if (other && other.id !== bid.id) return mismatch('PROJECT_ALREADY_EXECUTES_A_BID', `Project "${project.title}" already executes bid ${other.id}.`);
  return null;
}

export function decideBid(context: Context, input: DecideBidInput) {
  const action = ({ HONOURED: 'HONOUR', HONOURED_WITH_CONDITIONS: 'HONOUR_WITH_CONDITIONS', REJECTED: 'REJECT' } as const)[input.outcome];
  return stepBid(context, action, input);
}

export async function assessCriterion({ viewer, db, events }: Context, input: AssessCriterionInput) {
  const actor = requireActor(viewer, 'assess a Right to Challenge bid');
  return db.transaction(async (tx) => {
    const { bid, challengerIds } = await lockBid(tx, input.bidId);
    const actorAs = capacities(viewer, bid, challengerIds);
    if (!actorAs.includes('OFFICIAL')) {
      throw forbidden("Only officials of the neighbourhood's municipality may assess a bid.");
    }
    const conflict = conflictOfInterest('assess it', ['OFFICIAL'], actorAs);
    if (conflict) return conflicted(bid.status, conflict.message);
    if (!canAssess(bid.status)) {
      return illegal(bid.status, 'BID_NOT_IN_ASSESSMENT', `Criteria are scored only while the bid is IN_ASSESSMENT; it is ${bid.status}.`, 'bidId');
    }
    const violation = firstViolation(
      Number.isInteger(input.score) && input.score >= MIN_SCORE && input.score <= MAX_SCORE
        ? null
        : ({ code: 'SCORE_OUT_OF_RANGE', message: `A score runs from ${MIN_SCORE} to ${MAX_SCORE}; got ${input.score}.`, field: 'score' } satisfies Violation),
      checkText('reason', input.reason, 1, 5000),
    );
    if (violation) return invalidInput(violation);
    const now = new Date();
    await tx.getRepository(BidAssessmentEntity).upsert(
      { bidId: bid.id, criterion: input.criterion, score: input.score, reason: input.reason.trim(), assessedBy: actor, assessedAt: now },
      ['bidId', 'criterion'],
    );
    await tx.getRepository(BidEventEntity).insert(
      bidEvent(bid.id, 'ASSESS_CRITERION', bid.status, bid.status, actor, now, { criterion: input.criterion, rationale: `${input.score}/${MAX_SCORE}: ${input.reason.trim()}` }),
    );
    await tx.getRepository(BidEntity).update({ id: bid.id }, { updatedAt: now });
    Object.assign(bid, { updatedAt: now });
    const audit: AuditFact = { actorId: actor, role: 'official', reason: auditReason(`${input.criterion} ${input.score}/${MAX_SCORE}: ${input.reason}`), public: true };
    await events.record(tx, bidEvents.criterionAssessed(bid, input.criterion, input.score, actor, now, audit));
    return payload(bid);
  });
}
