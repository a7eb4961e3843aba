import { accept, communityError, refuse, type Checked, type ErrorOf } from '../community-errors';
import { checkOptionalText, checkText } from '../text.rules';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const THEME_LIMITS = { slug: 40, name: 80, description: 1000 } as const;

export interface ThemeDraft {
  slug: string;
  name: string;
  description: string | null;
}

type ThemeDraftError = ErrorOf<'InvalidSlug' | 'EmptyValue' | 'ValueTooLong'>;

/** Checks a new theme; the slug is compared as given (after trimming), never rewritten behind the caller's back. */
export function checkThemeDraft(input: { slug: string; name: string; description?: string | null }): Checked<ThemeDraft, ThemeDraftError> {
  const slug = checkText(input.slug, { field: 'slug', max: THEME_LIMITS.slug, required: true });
  if (!slug.ok) return slug;
  if (!SLUG.test(slug.value)) return refuse(communityError.invalidSlug());
  const name = checkText(input.name, { field: 'name', max: THEME_LIMITS.name, required: true });
  if (!name.ok) return name;
  const description = checkOptionalText(input.description, { field: 'description', max: THEME_LIMITS.description });
  if (!description.ok) return description;
  return accept({ slug: slug.value, name: name.value, description: description.value });
}
