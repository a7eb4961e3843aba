import { accept, communityError, refuse, type Checked, type ErrorOf } from '../community-errors';
import { checkOptionalText, checkText, TEXT_LIMITS } from '../text.rules';
import { checkThemeDraft, type ThemeDraft } from '../themes/theme.rules';
import { CHART_TEMPLATES, type ChartTemplateKey } from '../neighbourhoods/neighbourhood.entity';

/*
 * The rules of onboarding, without I/O. CBS (Statistics Netherlands) codes nest: a municipality is
 * GM + 4 digits, a wijk WK + those 4 + 2, a buurt BU + the wijk's 6 + 2. The database CHECKs
 * (migration 1770500000000) repeat the form and the nesting; these name the field that is wrong.
 */

const MUNICIPALITY_CODE = /^GM[0-9]{4}$/;
const WIJK_CODE = /^WK[0-9]{6}$/;
const BUURT_CODE = /^BU[0-9]{8}$/;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const ONBOARDING_LIMITS = {
  municipalityName: 200,
  neighbourhoodName: 200,
  slug: 60,
  reason: 500,
  buurtCodes: 100,
  themes: { min: 1, max: 20 },
  pollPointsBudget: { min: 10, max: 1000 },
} as const;

/**
 * The themes a neighbourhood starts with when onboarding names none: the demo's, which the
 * Spijkerkwartier's residents grouped their wishes by.
 */
export const STANDARD_THEMES: readonly ThemeDraft[] = [
  { slug: 'groen', name: 'Groen', description: 'Bomen, geveltuinen, parken en biodiversiteit.' },
  { slug: 'energie', name: 'Energie', description: 'Zonnepanelen, isolatie en samen minder verbruiken.' },
  { slug: 'zorg', name: 'Zorg', description: 'Naar elkaar omkijken, mantelzorg en eenzaamheid.' },
  { slug: 'economie', name: 'Economie', description: 'Lokale ondernemers, werk en leerplekken.' },
  { slug: 'ontmoeting', name: 'Ontmoeting', description: 'Plekken en activiteiten om elkaar te treffen.' },
];

export const DEFAULT_CHART_TEMPLATE: ChartTemplateKey = 'dutch-wijkeconomie-2026';

/** `DUTCH_WIJKECONOMIE_2026` (the schema's enum) ↔ `dutch-wijkeconomie-2026` (the stored key). */
export const chartTemplateKey = (value: string): ChartTemplateKey | null => {
  const key = value.toLowerCase().replace(/_/g, '-');
  return (CHART_TEMPLATES as readonly string[]).includes(key) ? (key as ChartTemplateKey) : null;
};
export const chartTemplateEnum = (key: ChartTemplateKey) => key.toUpperCase().replace(/-/g, '_') as 'DUTCH_WIJKECONOMIE_2026';

export function checkMunicipalityCode(code: string, field = 'code'): Checked<string, ErrorOf<'InvalidCbsCode'>> {
  const trimmed = code.trim();
  return MUNICIPALITY_CODE.test(trimmed) ? accept(trimmed) : refuse(communityError.invalidCbsCode(field, 'GM + 4 digits, e.g. GM0202'));
}

export interface MunicipalityDraft {
  code: string;
  name: string;
  reason: string;
}

export function checkMunicipalityDraft(input: { code: string; name: string; reason: string }): Checked<MunicipalityDraft, ErrorOf<'InvalidCbsCode' | 'EmptyValue' | 'ValueTooLong'>> {
  const code = checkMunicipalityCode(input.code);
  if (!code.ok) return code;
  const name = checkText(input.name, { field: 'name', max: ONBOARDING_LIMITS.municipalityName, required: true });
  if (!name.ok) return name;
  const reason = checkReason(input.reason);
  if (!reason.ok) return reason;
  return accept({ code: code.value, name: name.value, reason: reason.value });
}

export const checkReason = (reason: string, field = 'reason') => checkText(reason, { field, max: ONBOARDING_LIMITS.reason, required: true });

type CbsError = ErrorOf<'InvalidCbsCode' | 'CbsCodeMismatch' | 'DuplicateValue' | 'ValueOutOfRange'>;

/** A wijk code in the municipality, and buurt codes in the wijk (or, without one, in the municipality), each once. */
export function checkCbsCodes(
  municipalityCode: string,
  input: { cbsWijkCode?: string | null; cbsBuurtCodes?: readonly string[] | null },
): Checked<{ cbsWijkCode: string | null; cbsBuurtCodes: string[] }, CbsError> {
  const municipalityDigits = municipalityCode.slice(2);
  const wijk = input.cbsWijkCode?.trim() || null;
  if (wijk !== null) {
    if (!WIJK_CODE.test(wijk)) return refuse(communityError.invalidCbsCode('cbsWijkCode', 'WK + 6 digits, e.g. WK020201'));
    if (!wijk.startsWith(`WK${municipalityDigits}`)) {
      return refuse(communityError.cbsCodeMismatch('cbsWijkCode', wijk, `WK${municipalityDigits}`, `municipality ${municipalityCode}`));
    }
  }
  const buurten = (input.cbsBuurtCodes ?? []).map((code) => code.trim());
  if (buurten.length > ONBOARDING_LIMITS.buurtCodes) return refuse(communityError.valueOutOfRange('cbsBuurtCodes', 0, ONBOARDING_LIMITS.buurtCodes, 'must name a number of codes'));
  const prefix = wijk !== null ? `BU${wijk.slice(2)}` : `BU${municipalityDigits}`;
  const seen = new Set<string>();
  for (const [index, code] of buurten.entries()) {
    const field = `cbsBuurtCodes[${index}]`;
    if (!BUURT_CODE.test(code)) return refuse(communityError.invalidCbsCode(field, 'BU + 8 digits, e.g. BU02020100'));
    if (!code.startsWith(prefix)) return refuse(communityError.cbsCodeMismatch(field, code, prefix, wijk !== null ? `wijk ${wijk}` : `municipality ${municipalityCode}`));
    if (seen.has(code)) return refuse(communityError.duplicateValue('cbsBuurtCodes', code));
    seen.add(code);
  }
  return accept({ cbsWijkCode: wijk, cbsBuurtCodes: buurten });
}

export interface NeighbourhoodDraft {
  name: string;
  slug: string;
  description: string | null;
  cbsWijkCode: string | null;
  cbsBuurtCodes: string[];
  themes: ThemeDraft[];
  pollPointsBudget: number;
  chartTemplate: ChartTemplateKey;
  reason: string;
}

export interface NeighbourhoodInput {
  name: string;
  slug: string;
  description?: string | null;
  cbsWijkCode?: string | null;
  cbsBuurtCodes?: readonly string[] | null;
  themes?: readonly { slug: string; name: string; description?: string | null }[] | null;
  pollPointsBudget?: number | null;
  chartTemplate?: ChartTemplateKey | null;
  reason: string;
}

export type NeighbourhoodDraftError = ErrorOf<'EmptyValue' | 'ValueTooLong' | 'InvalidSlug' | 'ValueOutOfRange' | 'DuplicateValue' | 'InvalidCbsCode' | 'CbsCodeMismatch'>;

/** Checks a new neighbourhood of the municipality; omitted themes, budget and template take the defaults. */
export function checkNeighbourhoodDraft(municipalityCode: string, input: NeighbourhoodInput): Checked<NeighbourhoodDraft, NeighbourhoodDraftError> {
  const name = checkText(input.name, { field: 'name', max: ONBOARDING_LIMITS.neighbourhoodName, required: true });
  if (!name.ok) return name;
  const slug = checkText(input.slug, { field: 'slug', max: ONBOARDING_LIMITS.slug, required: true });
  if (!slug.ok) return slug;
  if (!SLUG.test(slug.value)) return refuse(communityError.invalidSlug());
  const description = checkOptionalText(input.description, { field: 'description', max: TEXT_LIMITS.description });
  if (!description.ok) return description;
  const codes = checkCbsCodes(municipalityCode, input);
  if (!codes.ok) return codes;
  const themes = checkThemes(input.themes);
  if (!themes.ok) return themes;
  const budget = input.pollPointsBudget ?? 100;
  const { min, max } = ONBOARDING_LIMITS.pollPointsBudget;
  if (!Number.isInteger(budget) || budget < min || budget > max) return refuse(communityError.valueOutOfRange('pollPointsBudget', min, max));
  const reason = checkReason(input.reason);
  if (!reason.ok) return reason;
  return accept({
    name: name.value,
    slug: slug.value,
    description: description.value,
    ...codes.value,
    themes: themes.value,
    pollPointsBudget: budget,
    chartTemplate: input.chartTemplate ?? DEFAULT_CHART_TEMPLATE,
    reason: reason.value,
  });
}

function checkThemes(input: NeighbourhoodInput['themes']): Checked<ThemeDraft[], ErrorOf<'EmptyValue' | 'ValueTooLong' | 'InvalidSlug' | 'ValueOutOfRange' | 'DuplicateValue'>> {
  if (input === null || input === undefined) return accept(STANDARD_THEMES.map((theme) => ({ ...theme })));
  const { min, max } = ONBOARDING_LIMITS.themes;
  if (input.length < min || input.length > max) return refuse(communityError.valueOutOfRange('themes', min, max, 'must name a number of themes'));
  const drafts: ThemeDraft[] = [];
  for (const [index, theme] of input.entries()) {
    const checked = checkThemeDraft(theme);
    // The theme rules name the field within a theme; here it is one theme of a list.
    if (!checked.ok) return refuse({ ...checked.error, field: `themes[${index}].${checked.error.field}` });
    if (drafts.some((d) => d.slug === checked.value.slug)) return refuse(communityError.duplicateValue('themes', checked.value.slug));
    drafts.push(checked.value);
  }
  return accept(drafts);
}
