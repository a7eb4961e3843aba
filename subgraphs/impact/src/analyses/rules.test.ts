import { checkPeriod, checkPlannedInputs, isViolation, parseDecimal, parseDiscountRate, validateInKindInputs, validateMeasurement, validateOutcome, validateStakeholders, validateVolunteerHourRate, type OutcomeText } from './rules';

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

describe('messages that say what is wrong', () => {
  const messageOf = (value: unknown) => (isViolation(value) ? value.message : null);

  it('tells an exponent, too many digits and a number too large apart', () => {
    expect(messageOf(parseDecimal('quantity', '1e-7'))).toMatch(/decimal number written with a dot and no exponent/);
    expect(messageOf(parseDecimal('quantity', '1234567890123456'))).toMatch(/larger than 10\^15/);
    expect(messageOf(parseDecimal('quantity', `0.${'1'.repeat(61)}`))).toMatch(/more than 60 decimals/);
    expect(messageOf(parseDecimal('quantity', `1.${'1'.repeat(40)}`))).toMatch(/more than 40 significant digits/);
  });

  it('accepts every exact form the API can give: up to 40 significant digits, 60 decimals, 10^15', () => {
    for (const text of ['1000000000000000', '0.000000000000000000001234567890123456789012345678901234567890', '5.619028620128758708446750695849455714701', '-0']) {
      expect([text, isViolation(parseDecimal('x', text))]).toEqual([text, false]);
    }
    expect(String(parseDecimal('x', '-0'))).toBe('0');
  });

  it('only suggests marking an outcome negative where that is the way to say it', () => {
    expect(messageOf(validateOutcome({ ...valid, quantity: '-3' }, ['Omwonenden']))).toMatch(/outcome marked negative/);
    const hours = { description: 'Vrijwilligersuren', quantity: '560', unit: 'uur', rate: '-1', source: 'CAO' };
    expect(messageOf(validateInKindInputs([hours]))).toMatch(/^Inputs cannot be negative/);
    expect(messageOf(validateInKindInputs([hours]))).not.toMatch(/outcome/);
    expect(messageOf(checkPlannedInputs('FORECAST', '-1'))).not.toMatch(/outcome/);
  });

  it('takes a volunteer-hour rate with its source', () => {
    expect(validateVolunteerHourRate({ rate: '15.125', source: 'Landelijk tarief' })).toEqual({ rate: '15.125', source: 'Landelijk tarief' });
    expect(errorOf(validateVolunteerHourRate({ rate: '15', source: ' ' }))).toEqual(['MissingSourceError', 'volunteerHourRate.source']);
    expect(errorOf(validateVolunteerHourRate({ rate: '-15', source: 'x' }))).toEqual(['NegativeAmountError', 'volunteerHourRate.rate']);
  });

  it('refuses a negative measured quantity, but not a negative score', () => {
    expect(errorOf(validateMeasurement({ value: '-2', source: 'telling', measuresQuantity: true }))).toEqual(['NegativeQuantityError', 'value']);
    expect(validateMeasurement({ value: '-2.5', source: 'verschil in score' })).toEqual({ value: '-2.5', measuresQuantity: false });
  });
});
