import { accept, communityError, refuse, type Checked, type ErrorOf } from './community-errors';

export interface TextRule {
  /** The input field, named in the error. */
  field: string;
  /** Longest allowed length in characters, after trimming. */
  max: number;
  /** Whether an empty (or whitespace-only) value is refused. */
  required: boolean;
}

type TextError = ErrorOf<'EmptyValue'> | ErrorOf<'ValueTooLong'>;

/** Trims a text and checks it against its rule. Length counts characters (code points), not UTF-16 units. */
export function checkText(value: string, rule: TextRule): Checked<string, TextError> {
  const trimmed = value.trim();
  if (rule.required && trimmed === '') return refuse(communityError.emptyValue(rule.field));
  if ([...trimmed].length > rule.max) return refuse(communityError.valueTooLong(rule.field, rule.max));
  return accept(trimmed);
}

/** Like checkText for optional values: null and empty text mean "none". */
export function checkOptionalText(value: string | null | undefined, rule: Omit<TextRule, 'required'>): Checked<string | null, TextError> {
  if (value === null || value === undefined) return accept(null);
  const checked = checkText(value, { ...rule, required: false });
  if (!checked.ok) return checked;
  return accept(checked.value === '' ? null : checked.value);
}

/** Limits of the texts members enter; the database CHECKs repeat the ones that matter. */
export const TEXT_LIMITS = {
  displayName: 80,
  fullName: 200,
  email: 254,
  phone: 40,
  address: 300,
  title: 120,
  description: 4000,
  reason: 500,
} as const;
