/** The input rules of a lesson's themes and media links: plain functions, no I/O. */

export const MAX_LESSON_THEMES = 10;
export const MAX_LESSON_MEDIA = 10;
export const MAX_URL_LENGTH = 2048;

export interface UrlViolation {
  code: 'INVALID_URL';
  message: string;
  field: string;
  url: string;
}

/**
 * A media link as it is stored: the URL in its WHATWG-normalised form (scheme and host in
 * lower case), or why it is refused. Only https: a lesson's film opened from the public graph
 * must not travel in the clear, and a user name or password in a link would publish it.
 */
export function checkMediaUrl(field: string, raw: string): { url: string } | { violation: UrlViolation } {
  const refuse = (reason: string) => ({ violation: { code: 'INVALID_URL' as const, message: `${field}: ${reason}`, field, url: raw } });
  if (raw.length > MAX_URL_LENGTH) return refuse(`a link may be at most ${MAX_URL_LENGTH} characters long.`);
  // The URL parser drops tabs and line breaks and trims spaces silently; a link that has them is not the link stored.
  if (/[\s\u0000-\u001f\u007f]/u.test(raw)) return refuse('a link may not contain spaces or control characters.');
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return refuse('not a URL (it needs to start with https:// and name a host).');
  }
  if (parsed.protocol !== 'https:') return refuse(`only https links are accepted, not ${parsed.protocol.replace(/:$/, '')}.`);
  // The parser reads "https:///film" and "https:film" as the host "film"; a host is what follows "https://".
  if (parsed.hostname === '' || !/^https:\/\/[^/\\?#]/i.test(raw)) return refuse('the link names no host right after https://.');
  if (parsed.username !== '' || parsed.password !== '') return refuse('a link may not carry a user name or password.');
  if (parsed.href.length > MAX_URL_LENGTH) return refuse(`a link may be at most ${MAX_URL_LENGTH} characters long (once normalised).`);
  return { url: parsed.href };
}
