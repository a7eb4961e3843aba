import { checkPeriod, checkPlannedInputs, isViolation, parseDiscountRate, validateInKindInputs, validateOutcome, validateStakeholders, type OutcomeText } from './rules';

const because = (value: string) => ({ value, rationale: 'because' });

const valid: OutcomeText = {
  stakeholder: 'Omwonenden',
  description: 'Meer woongenot',
  indicator: 'Bewonerspeiling',
  quantity: '180',
  financialProxy: { value: '95.00', description: 'Betalingsbereidheid', source: 'TEEB-stad' },
  durationYears: 3,
  dropOff: because('0.10'),
  deadweight: because('0.2'),
  displacement: because('0'),
  attribution: because('1'),
};

const errorOf = (value: unknown) => (isViolation(value) ? [value.error, value.field] : value);

describe('validateOutcome', () => {
  it('accepts a complete outcome and normalises its numbers', () => {
    const values = validateOutcome(valid, ['Omwonenden']);
    expect(isViolation(values)).toBe(false);
    expect(values).toMatchObject({ quantity: '180', proxyValue: '95', dropOff: '0.1', attribution: '1', negative: false });
  });

  it.each([
    [{ deadweight: because('1.2') }, 'FractionOutOfRangeError', 'deadweight.value'],
    [{ displacement: because('-0.1') }, 'FractionOutOfRangeError', 'displacement.value'],
    [{ attribution: because('25%') }, 'InvalidNumberError', 'attribution.value'],
    [{ dropOff: { value: '0.1', rationale: '  ' } }, 'MissingRationaleError', 'dropOff.rationale'],
    [{ quantity: '-3' }, 'NegativeQuantityError', 'quantity'],
    [{ financialProxy: { value: '-95', description: 'x', source: 'y' } }, 'NegativeAmountError', 'financialProxy.value'],
    [{ financialProxy: { value: '95', description: 'x', source: '' } }, 'MissingSourceError', 'financialProxy.source'],
    [{ durationYears: -1 }, 'InvalidDurationError', 'durationYears'],
    [{ durationYears: 0 }, 'InvalidDurationError', 'durationYears'],
    [{ durationYears: 51 }, 'InvalidDurationError', 'durationYears'],
    [{ stakeholder: 'Marsbewoners' }, 'UnknownStakeholderError', 'stakeholder'],
  ])('refuses %j with %s', (change, error, field) => {
    expect(errorOf(validateOutcome({ ...valid, ...change } as OutcomeText, ['Omwonenden']))).toEqual([error, field]);
  });
});

describe('analysis rules', () => {
  it('accepts any discount rate of 0 or more, including 0', () => {
    expect(String(parseDiscountRate('0'))).toBe('0');
    expect(String(parseDiscountRate('0.035'))).toBe('0.035');
    expect(errorOf(parseDiscountRate('-0.01'))).toEqual(['NegativeDiscountRateError', 'discountRate']);
  });

  it('refuses a period that ends before it starts', () => {
    expect(checkPeriod('2025-01-01', '2025-01-01')).toBeNull();
    expect(errorOf(checkPeriod('2025-02-01', '2025-01-31'))).toEqual(['InvalidPeriodError', 'periodEnd']);
  });

  it('allows planned inputs on forecasts only, never negative', () => {
    expect(String(checkPlannedInputs('FORECAST', '25000'))).toBe('25000');
    expect(checkPlannedInputs('EVALUATIVE', null)).toBeNull();
    expect(errorOf(checkPlannedInputs('EVALUATIVE', '25000'))).toEqual(['PlannedInputsNotAllowedError', 'plannedInputs']);
    expect(errorOf(checkPlannedInputs('FORECAST', '-1'))).toEqual(['NegativeAmountError', 'plannedInputs']);
  });

  it('needs in-kind inputs valued at a non-negative rate with a source', () => {
    const hours = { description: 'Vrijwilligersuren', quantity: '560', unit: 'uur', rate: '18.50', source: 'CAO' };
    expect(validateInKindInputs([hours])).toEqual([{ ...hours, rate: '18.5' }]);
    expect(errorOf(validateInKindInputs([{ ...hours, rate: '-1' }]))).toEqual(['NegativeAmountError', 'inKindInputs[0].rate']);
    expect(errorOf(validateInKindInputs([{ ...hours, quantity: '-1' }]))).toEqual(['NegativeQuantityError', 'inKindInputs[0].quantity']);
    expect(errorOf(validateInKindInputs([{ ...hours, source: ' ' }]))).toEqual(['MissingSourceError', 'inKindInputs[0].source']);
  });

  it('keeps stakeholder names unique and refuses to drop one that has outcomes', () => {
    const s = (name: string) => ({ name, description: '' });
    expect(errorOf(validateStakeholders([s('A'), s('A ')]))).toEqual(['DuplicateStakeholderError', 'stakeholders']);
    expect(errorOf(validateStakeholders([s('A')], ['B']))).toEqual(['StakeholderInUseError', 'stakeholders']);
  });
});
