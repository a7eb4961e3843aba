/**
 * RFC 3339 §5.6 `date-time`: `2026-01-31T10:20:30Z`, `2026-01-31T11:20:30.123456+01:00`. What the
 * tools BI analysts script with write: JavaScript's toISOString(), Python's isoformat() on an aware
 * datetime (6 fraction digits, `+00:00`), PowerShell's `Get-Date -Format o` (7 digits, `+01:00`).
 * The separator may be `T`, `t` or a space (RFC 3339's note), and `Z` may be lower-case.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+\- ])(\d{2}):(\d{2}))$/;

function daysIn(year: number, month: number): number {
  const leapYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leapYear ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * The instant an RFC 3339 date-time names, or null when the text is not one (no offset, a 13th
 * month, 25 o'clock). Fraction digits beyond milliseconds are cut off: the instant is at most one
 * millisecond early, so a `since` pull gets every row after it, perhaps one more.
 *
 * An offset's `+` that reached us as a space (a URL with `+01:00` not percent-encoded) is read as
 * the `+` it was: nothing else can be meant there.
 */
export function parseRfc3339(text: string): Date | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  // 60 is a leap second (RFC 3339 §5.7); the instant is read as the last millisecond of that minute.
  if (hour > 23 || minute > 59 || second > 60) return null;
  let offsetMinutes = 0;
  if (!m[8]) {
    const [offsetHours, offsetMins] = [Number(m[10]), Number(m[11])];
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const leap = second === 60;
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, leap ? 59 : second, leap ? 999 : millis);
  date.setTime(date.getTime() - offsetMinutes * 60_000);
  return date;
}

/** What a 400 says a `since` must look like. */
export const RFC3339_SHAPE =
  'an RFC 3339 date-time with a time-zone offset, such as 2026-01-31T00:00:00Z, 2026-01-31T01:00:00+01:00 or 2026-01-31T00:00:00.123456+00:00 (Python isoformat() of an aware datetime, PowerShell Get-Date -Format o)';
