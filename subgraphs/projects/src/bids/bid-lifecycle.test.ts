import {
  ASSESSMENT_CRITERIA,
  BID_ACTIONS,
  BID_STATUSES,
  canAssess,
  canEdit,
  nextBidStatus,
  type BidAction,
  type BidActor,
  type BidState,
  type BidStatus,
  type BidStep,
} from './bid-lifecycle';

/** The whole lifecycle as a table: the only legal (status, action) pairs and where they lead. */
const LEGAL: Record<BidStatus, Partial<Record<BidAction, BidStatus>>> = {
  DRAFT: { SUBMIT: 'SUBMITTED', WITHDRAW: 'WITHDRAWN' },
  SUBMITTED: { START_ASSESSMENT: 'IN_ASSESSMENT', WITHDRAW: 'WITHDRAWN' },
  IN_ASSESSMENT: { HONOUR: 'HONOURED', HONOUR_WITH_CONDITIONS: 'HONOURED_WITH_CONDITIONS', REJECT: 'REJECTED', WITHDRAW: 'WITHDRAWN' },
  HONOURED: { SIGN_AGREEMENT: 'AGREEMENT_SIGNED' },
  HONOURED_WITH_CONDITIONS: { SIGN_AGREEMENT: 'AGREEMENT_SIGNED' },
  REJECTED: {},
  WITHDRAWN: {},
  AGREEMENT_SIGNED: { START_EXECUTION: 'IN_EXECUTION' },
  IN_EXECUTION: { EVALUATE: 'EVALUATED' },
  EVALUATED: {},
};

/** Who may take each step. */
const ACTOR: Record<BidAction, BidActor> = {
  SUBMIT: 'CHALLENGER',
  WITHDRAW: 'CHALLENGER',
  START_ASSESSMENT: 'OFFICIAL',
  HONOUR: 'OFFICIAL',
  HONOUR_WITH_CONDITIONS: 'OFFICIAL',
  REJECT: 'OFFICIAL',
  SIGN_AGREEMENT: 'OFFICIAL',
  START_EXECUTION: 'CHALLENGER',
  EVALUATE: 'OFFICIAL',
};

const fullyAssessed = (status: BidStatus): BidState => ({ status, assessed: [...ASSESSMENT_CRITERIA] });

/** A step with everything any action could need, so only the transition itself can fail. */
const completeStep = (action: BidAction, actorAs: BidActor[] = [ACTOR[action]]): BidStep => ({
  action,
  actorAs,
  rationale: 'Reason given in public.',
  conditions: 'Quarterly report to the municipality.',
  executingProjectId: 'a1b2c3d4-0000-4000-8000-000000000001',
});

describe('the Right to Challenge bid state machine', () => {
  describe('every legal transition succeeds', () => {
    const legal = BID_STATUSES.flatMap((status) => Object.entries(LEGAL[status]).map(([action, to]) => [status, action as BidAction, to] as const));
    it.each(legal)('%s --%s--> %s', (status, action, to) => {
      expect(nextBidStatus(fullyAssessed(status), completeStep(action))).toEqual({ ok: true, to });
    });

    it('covers all twelve transitions of the lifecycle', () => {
      expect(legal).toHaveLength(12);
    });
  });

  describe('every illegal transition is refused with the rule it breaks', () => {
    const illegal = BID_STATUSES.flatMap((status) => BID_ACTIONS.filter((action) => !(action in LEGAL[status])).map((action) => [status, action] as const));
    it.each(illegal)('%s refuses %s', (status, action) => {
      const outcome = nextBidStatus(fullyAssessed(status), completeStep(action));
      expect(outcome.ok).toBe(false);
      if (outcome.ok) return;
      expect(outcome.refusal).toMatchObject({ code: 'ILLEGAL_BID_TRANSITION', from: status, action });
      expect(outcome.refusal.message).toContain(`the bid is ${status}`);
    });

    it('names the rules a user runs into most', () => {
      const refusal = (status: BidStatus, action: BidAction) => {
        const outcome = nextBidStatus(fullyAssessed(status), completeStep(action));
        return outcome.ok ? null : outcome.refusal.message;
      };
      expect(refusal('SUBMITTED', 'SUBMIT')).toBe('Cannot submit the bid: the bid is SUBMITTED. A bid is submitted once, from DRAFT.');
      expect(refusal('DRAFT', 'HONOUR')).toBe('Cannot honour the bid: the bid is DRAFT. A decision is taken only on a bid in assessment (IN_ASSESSMENT).');
      expect(refusal('REJECTED', 'WITHDRAW')).toContain('withdrawn only before the decision');
      expect(refusal('REJECTED', 'SIGN_AGREEMENT')).toContain('only for an honoured bid');
    });

    it('leaves rejected, withdrawn and evaluated bids final', () => {
      for (const status of ['REJECTED', 'WITHDRAWN', 'EVALUATED'] as const) {
        for (const action of BID_ACTIONS) expect(nextBidStatus(fullyAssessed(status), completeStep(action)).ok).toBe(false);
      }
    });
  });

  describe('who may take a step', () => {
    it.each(BID_ACTIONS)('%s by the wrong party is refused before the state is even looked at', (action) => {
      const wrong: BidActor[] = action === 'START_EXECUTION' ? [] : [ACTOR[action] === 'CHALLENGER' ? 'OFFICIAL' : 'CHALLENGER'];
      const outcome = nextBidStatus(fullyAssessed('DRAFT'), completeStep(action, wrong));
      expect(outcome).toMatchObject({ ok: false, refusal: { code: 'NOT_ALLOWED_FOR_ROLE' } });
    });

    it('lets only officials decide, and says so', () => {
      const outcome = nextBidStatus(fullyAssessed('IN_ASSESSMENT'), completeStep('HONOUR', ['CHALLENGER']));
      expect(outcome).toEqual({
        ok: false,
        refusal: { code: 'NOT_ALLOWED_FOR_ROLE', message: "Only officials of the neighbourhood's municipality may honour the bid.", allowed: ['OFFICIAL'] },
      });
    });

    it('lets challengers and officials alike start execution', () => {
      expect(nextBidStatus(fullyAssessed('AGREEMENT_SIGNED'), completeStep('START_EXECUTION', ['OFFICIAL']))).toEqual({ ok: true, to: 'IN_EXECUTION' });
      expect(nextBidStatus(fullyAssessed('AGREEMENT_SIGNED'), completeStep('START_EXECUTION', ['CHALLENGER']))).toEqual({ ok: true, to: 'IN_EXECUTION' });
    });

    it("lets a challenger who is also an official take the challengers' steps", () => {
      expect(nextBidStatus(fullyAssessed('DRAFT'), completeStep('SUBMIT', ['OFFICIAL', 'CHALLENGER'])).ok).toBe(true);
      expect(nextBidStatus(fullyAssessed('AGREEMENT_SIGNED'), completeStep('START_EXECUTION', ['OFFICIAL', 'CHALLENGER'])).ok).toBe(true);
    });

    const officialsOnly = BID_ACTIONS.filter((action) => ACTOR[action] === 'OFFICIAL');
    it.each(officialsOnly)('refuses %s to an official who is one of the challengers (conflict of interest)', (action) => {
      const from = BID_STATUSES.find((status) => action in LEGAL[status])!;
      const outcome = nextBidStatus(fullyAssessed(from), completeStep(action, ['OFFICIAL', 'CHALLENGER']));
      expect(outcome).toMatchObject({ ok: false, refusal: { code: 'CONFLICT_OF_INTEREST' } });
      if (!outcome.ok) expect(outcome.refusal.message).toMatch(/^You are one of this bid's challengers, so you may not .+, even as an official/);
    });
  });

  describe('what a step needs', () => {
    it.each(['HONOUR', 'HONOUR_WITH_CONDITIONS', 'REJECT'] as const)('%s needs every criterion scored and names the missing ones', (action) => {
      const outcome = nextBidStatus({ status: 'IN_ASSESSMENT', assessed: ['SUPPORT', 'FEASIBILITY'] }, completeStep(action));
      expect(outcome).toMatchObject({
        ok: false,
        refusal: { code: 'ASSESSMENT_INCOMPLETE', missing: ['SOCIAL_ADDED_VALUE', 'COST_NOT_ABOVE_CURRENT', 'EQUAL_OR_BETTER_QUALITY', 'NO_PROFIT_MOTIVE', 'CONTINUITY'] },
      });
    });

    it('needs written conditions to honour with conditions', () => {
      for (const conditions of [null, undefined, '', '   ']) {
        const outcome = nextBidStatus(fullyAssessed('IN_ASSESSMENT'), { ...completeStep('HONOUR_WITH_CONDITIONS'), conditions });
        expect(outcome).toMatchObject({ ok: false, refusal: { code: 'CONDITIONS_REQUIRED' } });
      }
    });

    it.each(['HONOUR', 'HONOUR_WITH_CONDITIONS', 'REJECT', 'WITHDRAW', 'EVALUATE'] as const)('%s needs a written rationale', (action) => {
      const from = action === 'WITHDRAW' ? 'SUBMITTED' : action === 'EVALUATE' ? 'IN_EXECUTION' : 'IN_ASSESSMENT';
      const outcome = nextBidStatus(fullyAssessed(from), { ...completeStep(action), rationale: ' ' });
      expect(outcome).toMatchObject({ ok: false, refusal: { code: 'RATIONALE_REQUIRED' } });
    });

    it.each(['SUBMIT', 'START_ASSESSMENT', 'SIGN_AGREEMENT'] as const)('%s does not need a rationale', (action) => {
      const from = ({ SUBMIT: 'DRAFT', START_ASSESSMENT: 'SUBMITTED', SIGN_AGREEMENT: 'HONOURED' } as const)[action];
      expect(nextBidStatus(fullyAssessed(from), { ...completeStep(action), rationale: null }).ok).toBe(true);
    });

    it('needs the executing project to start execution', () => {
      const outcome = nextBidStatus(fullyAssessed('AGREEMENT_SIGNED'), { ...completeStep('START_EXECUTION'), executingProjectId: null });
      expect(outcome).toMatchObject({ ok: false, refusal: { code: 'EXECUTING_PROJECT_REQUIRED' } });
    });
  });

  it('walks the whole honoured path from draft to evaluation', () => {
    const path: BidAction[] = ['SUBMIT', 'START_ASSESSMENT', 'HONOUR_WITH_CONDITIONS', 'SIGN_AGREEMENT', 'START_EXECUTION', 'EVALUATE'];
    let status: BidStatus = 'DRAFT';
    const visited: BidStatus[] = [status];
    for (const action of path) {
      const outcome = nextBidStatus(fullyAssessed(status), completeStep(action));
      if (!outcome.ok) throw new Error(outcome.refusal.message);
      status = outcome.to;
      visited.push(status);
    }
    expect(visited).toEqual(['DRAFT', 'SUBMITTED', 'IN_ASSESSMENT', 'HONOURED_WITH_CONDITIONS', 'AGREEMENT_SIGNED', 'IN_EXECUTION', 'EVALUATED']);
  });

  it('allows editing only drafts and scoring only bids in assessment', () => {
    expect(BID_STATUSES.filter(canEdit)).toEqual(['DRAFT']);
    expect(BID_STATUSES.filter(canAssess)).toEqual(['IN_ASSESSMENT']);
  });
});
