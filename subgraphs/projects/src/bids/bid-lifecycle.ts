/**
 * The Right to Challenge bid lifecycle as a pure function: given where a bid
 * stands, who acts and what they bring, either the next status or the rule
 * that refuses the step. The server applies exactly this and nothing else.
 *
 *   DRAFT → SUBMITTED → IN_ASSESSMENT → HONOURED | HONOURED_WITH_CONDITIONS | REJECTED
 *   DRAFT | SUBMITTED | IN_ASSESSMENT → WITHDRAWN            (before the decision)
 *   HONOURED | HONOURED_WITH_CONDITIONS → AGREEMENT_SIGNED → IN_EXECUTION → EVALUATED
 */

export const BID_STATUSES = [
  'DRAFT',
  'SUBMITTED',
  'IN_ASSESSMENT',
  'HONOURED',
  'HONOURED_WITH_CONDITIONS',
  'REJECTED',
  'WITHDRAWN',
  'AGREEMENT_SIGNED',
  'IN_EXECUTION',
  'EVALUATED',
] as const;
export type BidStatus = (typeof BID_STATUSES)[number];

export const BID_ACTIONS = [
  'SUBMIT',
  'WITHDRAW',
  'START_ASSESSMENT',
  'HONOUR',
  'HONOUR_WITH_CONDITIONS',
  'REJECT',
  'SIGN_AGREEMENT',
  'START_EXECUTION',
  'EVALUATE',
] as const;
export type BidAction = (typeof BID_ACTIONS)[number];

/** The criteria the municipality scores before it decides. */
export const ASSESSMENT_CRITERIA = [
  'SOCIAL_ADDED_VALUE',
  'SUPPORT',
  'COST_NOT_ABOVE_CURRENT',
  'EQUAL_OR_BETTER_QUALITY',
  'FEASIBILITY',
  'NO_PROFIT_MOTIVE',
  'CONTINUITY',
] as const;
export type AssessmentCriterion = (typeof ASSESSMENT_CRITERIA)[number];

/** Scores run from 1 (does not meet the criterion) to 5 (fully meets it). */
export const MIN_SCORE = 1;
export const MAX_SCORE = 5;

/** The capacity in which someone acts on a bid. */
export type BidActor = 'CHALLENGER' | 'OFFICIAL';

interface TransitionRule {
  from: readonly BidStatus[];
  to: BidStatus;
  by: readonly BidActor[];
  /** The rule in words, quoted when the step is refused. */
  rule: string;
}

const PRE_DECISION: readonly BidStatus[] = ['DRAFT', 'SUBMITTED', 'IN_ASSESSMENT'];
const DECISION_RULE = 'A decision is taken only on a bid in assessment (IN_ASSESSMENT).';

export const BID_TRANSITIONS: Readonly<Record<BidAction, TransitionRule>> = {
  SUBMIT: { from: ['DRAFT'], to: 'SUBMITTED', by: ['CHALLENGER'], rule: 'A bid is submitted once, from DRAFT.' },
  WITHDRAW: { from: PRE_DECISION, to: 'WITHDRAWN', by: ['CHALLENGER'], rule: 'A bid can be withdrawn only before the decision (DRAFT, SUBMITTED or IN_ASSESSMENT).' },
  START_ASSESSMENT: { from: ['SUBMITTED'], to: 'IN_ASSESSMENT', by: ['OFFICIAL'], rule: 'Assessment starts only on a SUBMITTED bid.' },
  HONOUR: { from: ['IN_ASSESSMENT'], to: 'HONOURED', by: ['OFFICIAL'], rule: DECISION_RULE },
  HONOUR_WITH_CONDITIONS: { from: ['IN_ASSESSMENT'], to: 'HONOURED_WITH_CONDITIONS', by: ['OFFICIAL'], rule: DECISION_RULE },
  REJECT: { from: ['IN_ASSESSMENT'], to: 'REJECTED', by: ['OFFICIAL'], rule: DECISION_RULE },
  SIGN_AGREEMENT: { from: ['HONOURED', 'HONOURED_WITH_CONDITIONS'], to: 'AGREEMENT_SIGNED', by: ['OFFICIAL'], rule: 'An agreement is signed only for an honoured bid (HONOURED or HONOURED_WITH_CONDITIONS).' },
  START_EXECUTION: { from: ['AGREEMENT_SIGNED'], to: 'IN_EXECUTION', by: ['CHALLENGER', 'OFFICIAL'], rule: 'Execution starts only once the agreement is signed (AGREEMENT_SIGNED).' },
  EVALUATE: { from: ['IN_EXECUTION'], to: 'EVALUATED', by: ['OFFICIAL'], rule: 'Only a bid IN_EXECUTION is evaluated.' },
};

const DECISIONS: readonly BidAction[] = ['HONOUR', 'HONOUR_WITH_CONDITIONS', 'REJECT'];
/** Steps whose "why" the public must be able to read: refusals of the default path. */
const RATIONALE_REQUIRED: readonly BidAction[] = [...DECISIONS, 'WITHDRAW', 'EVALUATE'];

export interface BidState {
  status: BidStatus;
  /** The criteria that already have a score. */
  assessed: readonly AssessmentCriterion[];
}

export interface BidStep {
  action: BidAction;
  /** Every capacity the actor holds on this bid (a challenger may also be an official). */
  actorAs: readonly BidActor[];
  rationale?: string | null;
  conditions?: string | null;
  executingProjectId?: string | null;
}

export type BidRefusal =
  | { code: 'NOT_ALLOWED_FOR_ROLE'; message: string; allowed: readonly BidActor[] }
  | { code: 'ILLEGAL_BID_TRANSITION'; message: string; from: BidStatus; action: BidAction }
  | { code: 'ASSESSMENT_INCOMPLETE'; message: string; missing: AssessmentCriterion[] }
  | { code: 'CONDITIONS_REQUIRED'; message: string }
  | { code: 'RATIONALE_REQUIRED'; message: string }
  | { code: 'EXECUTING_PROJECT_REQUIRED'; message: string }
  | { code: 'CONFLICT_OF_INTEREST'; message: string };

export type BidStepOutcome = { ok: true; to: BidStatus } | { ok: false; refusal: BidRefusal };

const blank = (text: string | null | undefined) => text === null || text === undefined || text.trim() === '';

/**
 * Decides one step. Checks, in order: the actor's capacity (a refusal the
 * server turns into FORBIDDEN), the transition itself, then what the step
 * needs (complete assessment, conditions, rationale, executing project).
 */
export function nextBidStatus(state: BidState, step: BidStep): BidStepOutcome {
  const rule = BID_TRANSITIONS[step.action];
  if (!rule.by.some((actor) => step.actorAs.includes(actor))) {
    const who = rule.by.map((a) => (a === 'CHALLENGER' ? "the bid's challengers" : "officials of the neighbourhood's municipality")).join(' or ');
    return refuse({ code: 'NOT_ALLOWED_FOR_ROLE', message: `Only ${who} may ${describeAction(step.action)}.`, allowed: rule.by });
  }
  const conflict = conflictOfInterest(describeAction(step.action), rule.by, step.actorAs);
  if (conflict) return refuse(conflict);
  if (!rule.from.includes(state.status)) {
    return refuse({
      code: 'ILLEGAL_BID_TRANSITION',
      message: `Cannot ${describeAction(step.action)}: the bid is ${state.status}. ${rule.rule}`,
      from: state.status,
      action: step.action,
    });
  }
  if (DECISIONS.includes(step.action)) {
    const missing = ASSESSMENT_CRITERIA.filter((c) => !state.assessed.includes(c));
    if (missing.length > 0) {
      return refuse({
        code: 'ASSESSMENT_INCOMPLETE',
        message: `Every criterion is scored before the decision; still missing: ${missing.join(', ')}.`,
        missing,
      });
    }
  }
  if (step.action === 'HONOUR_WITH_CONDITIONS' && blank(step.conditions)) {
    return refuse({ code: 'CONDITIONS_REQUIRED', message: 'Honouring with conditions requires the conditions, in writing.' });
  }
  if (RATIONALE_REQUIRED.includes(step.action) && blank(step.rationale)) {
    return refuse({ code: 'RATIONALE_REQUIRED', message: `To ${describeAction(step.action)} a written rationale is required; it is published on the timeline.` });
  }
  if (step.action === 'START_EXECUTION' && blank(step.executingProjectId)) {
    return refuse({ code: 'EXECUTING_PROJECT_REQUIRED', message: 'Execution starts with the project that executes the bid.' });
  }
  return { ok: true, to: rule.to };
}

/**
 * Nobody judges their own bid: a step only officials may take (assessing,
 * deciding, signing, evaluating) is refused to an official who is also one of
 * the bid's challengers. Steps challengers may take stay theirs.
 */
export function conflictOfInterest(
  what: string,
  allowed: readonly BidActor[],
  actorAs: readonly BidActor[],
): { code: 'CONFLICT_OF_INTEREST'; message: string } | null {
  if (allowed.includes('CHALLENGER') || !actorAs.includes('CHALLENGER')) return null;
  return {
    code: 'CONFLICT_OF_INTEREST',
    message: `You are one of this bid's challengers, so you may not ${what}, even as an official: another official of the municipality must.`,
  };
}

function refuse(refusal: BidRefusal): BidStepOutcome {
  return { ok: false, refusal };
}

export function describeAction(action: BidAction): string {
  switch (action) {
    case 'SUBMIT':
      return 'submit the bid';
    case 'WITHDRAW':
      return 'withdraw the bid';
    case 'START_ASSESSMENT':
      return 'start the assessment';
    case 'HONOUR':
      return 'honour the bid';
    case 'HONOUR_WITH_CONDITIONS':
      return 'honour the bid with conditions';
    case 'REJECT':
      return 'reject the bid';
    case 'SIGN_AGREEMENT':
      return 'sign the agreement';
    case 'START_EXECUTION':
      return 'start execution';
    case 'EVALUATE':
      return 'evaluate the bid';
  }
}

/** Criteria can be scored only while the bid is in assessment. */
export function canAssess(status: BidStatus): boolean {
  return status === 'IN_ASSESSMENT';
}

/** Only a draft can be edited: what officials assess must not change under them. */
export function canEdit(status: BidStatus): boolean {
  return status === 'DRAFT';
}
