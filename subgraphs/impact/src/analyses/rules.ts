import { isNumberProblem, MAX_DECIMALS, readDecimal, SIGNIFICANT_DIGITS, type Dec, type NumberProblem } from './numbers';
import { MAX_DURATION_YEARS } from './sroi';

/**
 * The rules an impact map must satisfy, as pure functions. Each broken rule
 * is a value naming it; the resolvers return it as the matching GraphQL
 * error type and write nothing.
 */
export const ruleCodes = {
  InvalidNumberError: 'INVALID_NUMBER',
  FractionOutOfRangeError: 'FRACTION_OUT_OF_RANGE',
  NegativeQuantityError: 'NEGATIVE_QUANTITY',
  NegativeAmountError: 'NEGATIVE_AMOUNT',
  InvalidDurationError: 'INVALID_DURATION',
  NegativeDiscountRateError: 'NEGATIVE_DISCOUNT_RATE',
  MissingRationaleError: 'MISSING_RATIONALE',
  MissingSourceError: 'MISSING_SOURCE',
  InvalidPeriodError: 'PERIOD_ENDS_BEFORE_START',
  UnknownStakeholderError: 'UNKNOWN_STAKEHOLDER',
  DuplicateStakeholderError: 'DUPLICATE_STAKEHOLDER',
  StakeholderInUseError: 'STAKEHOLDER_IN_USE',
  PlannedInputsNotAllowedError: 'PLANNED_INPUTS_ONLY_FOR_FORECASTS',
  AnalysisPublishedError: 'PUBLISHED_ANALYSIS_IMMUTABLE',
  AnalysisNotPublishedError: 'ONLY_PUBLISHED_ANALYSES_CAN_BE_REVISED',
  AlreadyRevisedError: 'ALREADY_REVISED',
  NoOutcomesError: 'NO_OUTCOMES',
  NotAForecastError: 'NOT_A_FORECAST',
  NotAnEvaluationError: 'MEASUREMENTS_ONLY_FOR_EVALUATIONS',
  UnknownProjectError: 'UNKNOWN_PROJECT',
  ProjectInOtherNeighbourhoodError: 'PROJECT_IN_OTHER_NEIGHBOURHOOD',
  UnknownBidError: 'UNKNOWN_BID',
  BidInOtherNeighbourhoodError: 'BID_IN_OTHER_NEIGHBOURHOOD',
} as const;

export type RuleError = keyof typeof ruleCodes;

export interface Violation {
  error: RuleError;
  message: string;
  /** The input field at fault, as a path such as `outcome.deadweight.value`. */
  field: string | null;
}

export const violation = (error: RuleError, message: string, field: string | null = null): Violation => ({ error, message, field });

export const isViolation = (value: unknown): value is Violation =>
  typeof value === 'object' && value !== null && 'error' in value && typeof (value as Violation).error === 'string' && (value as Violation).error in ruleCodes;

export { MAX_DURATION_YEARS };

const problemText: Record<NumberProblem['problem'], (field: string, text: string) => string> = {
  NOT_A_NUMBER: (field, text) => `${field} must be a decimal number written with a dot and no exponent, e.g. "0.25"; got "${text}".`,
  TOO_MANY_DECIMALS: (field, text) => `${field} has more than ${MAX_DECIMALS} decimals, more than any exact form the API gives; got "${text}".`,
  TOO_MANY_DIGITS: (field, text) => `${field} has more than ${SIGNIFICANT_DIGITS} significant digits, more than any exact form the API gives; got "${text}".`,
  TOO_LARGE: (field, text) => `${field} is larger than 10^15 (1000000000000000), the largest number accepted; got "${text}".`,
};

export function parseDecimal(field: string, text: string): Dec | Violation {
  const value = readDecimal(text);
  return isNumberProblem(value) ? violation('InvalidNumberError', problemText[value.problem](field, text), field) : value;
}

export function parseFraction(field: string, text: string): Dec | Violation {
  const value = parseDecimal(field, text);
  if (isViolation(value)) return value;
  if (value.lessThan(0) || value.greaterThan(1)) {
    return violation('FractionOutOfRangeError', `${field} is a fraction and must lie between 0 and 1 (e.g. "0.25" for 25%); got ${text}.`, field);
  }
  return value;
}

/** What a negative number is refused for: the message says what to do instead, which depends on what it is. */
export type NonNegative = 'outcomeQuantity' | 'proxy' | 'input' | 'measuredQuantity';

const negativeText: Record<NonNegative, (field: string, text: string) => string> = {
  outcomeQuantity: (field, text) => `A quantity cannot be negative (${field} = ${text}); a change for the worse is an outcome marked negative, with a positive quantity.`,
  proxy: (field, text) => `A financial proxy cannot be negative (${field} = ${text}); a change for the worse is an outcome marked negative, valued with a positive proxy.`,
  input: (field, text) => `Inputs cannot be negative (${field} = ${text}): a contribution is valued at 0 or more.`,
  measuredQuantity: (field, text) => `A measured quantity is a count and cannot be negative (${field} = ${text}); record it without measuresQuantity if it is a score or a change.`,
};

function parseNonNegative(field: string, text: string, error: 'NegativeQuantityError' | 'NegativeAmountError', what: NonNegative): Dec | Violation {
  const value = parseDecimal(field, text);
  if (isViolation(value)) return value;
  return value.isNegative() ? violation(error, negativeText[what](field, text), field) : value;
}

/** A quantity of 0 or more: of an outcome (the default), an in-kind input or a measurement. */
export const parseQuantity = (field: string, text: string, what: NonNegative = 'outcomeQuantity') => parseNonNegative(field, text, 'NegativeQuantityError', what);
/** An amount of 0 or more: a proxy, or an input (the default: a rate, planned inputs). */
export const parseAmount = (field: string, text: string, what: NonNegative = 'input') => parseNonNegative(field, text, 'NegativeAmountError', what);

export function parseDiscountRate(text: string): Dec | Violation {
  const value = parseDecimal('discountRate', text);
  if (isViolation(value)) return value;
  if (value.isNegative()) {
    return violation('NegativeDiscountRateError', `The discount rate must be 0 or more (e.g. "0.035" for 3.5%); got ${text}.`, 'discountRate');
  }
  return value;
}

export function checkDuration(field: string, years: number): Violation | null {
  if (!Number.isInteger(years) || years < 1 || years > MAX_DURATION_YEARS) {
    return violation('InvalidDurationError', `An outcome lasts a whole number of years from 1 to ${MAX_DURATION_YEARS}; got ${years}.`, field);
  }
  return null;
}

export function requireText(field: string, text: string, error: 'MissingRationaleError' | 'MissingSourceError'): Violation | null {
  if (text.trim() !== '') return null;
  return error === 'MissingRationaleError'
    ? violation(error, `Every assumption needs its written rationale (${field} is empty).`, field)
    : violation(error, `Every valuation needs its source (${field} is empty).`, field);
}

export function checkPeriod(start: string, end: string): Violation | null {
  return end < start ? violation('InvalidPeriodError', `The period ends (${end}) before it starts (${start}).`, 'periodEnd') : null;
}

// ---------------------------------------------------------------------------
// Whole inputs

export interface AssumptionText {
  value: string;
  rationale: string;
}

export interface OutcomeText {
  stakeholder: string;
  description: string;
  indicator: string;
  quantity: string;
  financialProxy: { value: string; description: string; source: string };
  durationYears: number;
  dropOff: AssumptionText;
  deadweight: AssumptionText;
  displacement: AssumptionText;
  attribution: AssumptionText;
  negative?: boolean | null;
}

/** An outcome as stored: exact decimal strings, trimmed texts. */
export interface OutcomeValues {
  stakeholder: string;
  description: string;
  indicator: string;
  quantity: string;
  proxyValue: string;
  proxyDescription: string;
  proxySource: string;
  durationYears: number;
  dropOff: string;
  dropOffRationale: string;
  deadweight: string;
  deadweightRationale: string;
  displacement: string;
  displacementRationale: string;
  attribution: string;
  attributionRationale: string;
  negative: boolean;
}

const FRACTIONS = ['dropOff', 'deadweight', 'displacement', 'attribution'] as const;

/** Checks an outcome against the rules, in the order a person reads the form. */
export function validateOutcome(input: OutcomeText, stakeholders: readonly string[]): OutcomeValues | Violation {
  const stakeholder = input.stakeholder.trim();
  if (!stakeholders.includes(stakeholder)) {
    return violation(
      'UnknownStakeholderError',
      `"${stakeholder}" is not a stakeholder of this analysis; declare it first (known: ${stakeholders.join(', ') || 'none'}).`,
      'stakeholder',
    );
  }
  const quantity = parseQuantity('quantity', input.quantity);
  if (isViolation(quantity)) return quantity;
  const proxy = parseAmount('financialProxy.value', input.financialProxy.value, 'proxy');
  if (isViolation(proxy)) return proxy;
  const missingSource = requireText('financialProxy.source', input.financialProxy.source, 'MissingSourceError');
  if (missingSource) return missingSource;
  const badDuration = checkDuration('durationYears', input.durationYears);
  if (badDuration) return badDuration;
  const fractions = {} as Record<(typeof FRACTIONS)[number], Dec>;
  for (const name of FRACTIONS) {
    const value = parseFraction(`${name}.value`, input[name].value);
    if (isViolation(value)) return value;
    const missing = requireText(`${name}.rationale`, input[name].rationale, 'MissingRationaleError');
    if (missing) return missing;
    fractions[name] = value;
  }
  return {
    stakeholder,
    description: input.description.trim(),
    indicator: input.indicator.trim(),
    quantity: quantity.toString(),
    proxyValue: proxy.toString(),
    proxyDescription: input.financialProxy.description.trim(),
    proxySource: input.financialProxy.source.trim(),
    durationYears: input.durationYears,
    dropOff: fractions.dropOff.toString(),
    dropOffRationale: input.dropOff.rationale.trim(),
    deadweight: fractions.deadweight.toString(),
    deadweightRationale: input.deadweight.rationale.trim(),
    displacement: fractions.displacement.toString(),
    displacementRationale: input.displacement.rationale.trim(),
    attribution: fractions.attribution.toString(),
    attributionRationale: input.attribution.rationale.trim(),
    negative: input.negative ?? false,
  };
}

export interface InKindText {
  description: string;
  quantity: string;
  unit: string;
  rate: string;
  source: string;
}

export function validateInKindInputs(inputs: readonly InKindText[]): InKindText[] | Violation {
  const result: InKindText[] = [];
  for (const [i, input] of inputs.entries()) {
    const quantity = parseQuantity(`inKindInputs[${i}].quantity`, input.quantity, 'input');
    if (isViolation(quantity)) return quantity;
    const rate = parseAmount(`inKindInputs[${i}].rate`, input.rate);
    if (isViolation(rate)) return rate;
    const missing = requireText(`inKindInputs[${i}].source`, input.source, 'MissingSourceError');
    if (missing) return missing;
    result.push({ description: input.description.trim(), quantity: quantity.toString(), unit: input.unit.trim(), rate: rate.toString(), source: input.source.trim() });
  }
  return result;
}

export interface StakeholderText {
  name: string;
  description: string;
}

export function validateStakeholders(stakeholders: readonly StakeholderText[], inUse: readonly string[] = []): StakeholderText[] | Violation {
  const names = stakeholders.map((s) => s.name.trim());
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) return violation('DuplicateStakeholderError', `The stakeholder "${duplicate}" is named twice.`, 'stakeholders');
  const dropped = inUse.find((name) => !names.includes(name));
  if (dropped !== undefined) {
    return violation('StakeholderInUseError', `The stakeholder "${dropped}" still has outcomes; remove them before removing the stakeholder.`, 'stakeholders');
  }
  return stakeholders.map((s) => ({ name: s.name.trim(), description: s.description.trim() }));
}

export function checkPlannedInputs(kind: 'FORECAST' | 'EVALUATIVE', planned: string | null | undefined): Dec | null | Violation {
  if (planned === null || planned === undefined) return null;
  if (kind !== 'FORECAST') {
    return violation('PlannedInputsNotAllowedError', 'Only a forecast may state planned inputs; an evaluation uses the spending in the books.', 'plannedInputs');
  }
  return parseAmount('plannedInputs', planned);
}

export interface VolunteerHourRateText {
  rate: string;
  source: string;
}

/** The rate at which the volunteer hours booked on the project count as in-kind inputs, with where it comes from. */
export function validateVolunteerHourRate(input: VolunteerHourRateText): VolunteerHourRateText | Violation {
  const rate = parseAmount('volunteerHourRate.rate', input.rate);
  if (isViolation(rate)) return rate;
  const missing = requireText('volunteerHourRate.source', input.source, 'MissingSourceError');
  if (missing) return missing;
  return { rate: rate.toString(), source: input.source.trim() };
}

export interface MeasurementValues {
  value: string;
  measuresQuantity: boolean;
}

/** A measured value; one that measures the outcome's quantity is a count, never negative. */
export function validateMeasurement(input: { value: string; source: string; measuresQuantity?: boolean | null }): MeasurementValues | Violation {
  const measuresQuantity = input.measuresQuantity ?? false;
  const value = measuresQuantity ? parseQuantity('value', input.value, 'measuredQuantity') : parseDecimal('value', input.value);
  if (isViolation(value)) return value;
  const missing = requireText('source', input.source, 'MissingSourceError');
  if (missing) return missing;
  return { value: value.toString(), measuresQuantity };
}
