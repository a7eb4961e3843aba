import { parseRfc3339 } from './rfc3339';

/* `since` as the tools BI analysts use write it: any offset, 0–9 fraction digits; nonsense is refused. */
describe('RFC 3339 date-times', () => {
  it.each([
    ['JavaScript toISOString()', '2026-01-31T10:20:30.123Z', '2026-01-31T10:20:30.123Z'],
    ['no fraction', '2026-01-31T10:20:30Z', '2026-01-31T10:20:30.000Z'],
    ['Python isoformat(), aware, UTC', '2026-01-31T10:20:30.123456+00:00', '2026-01-31T10:20:30.123Z'],
    ['PowerShell Get-Date -Format o, local time', '2026-01-31T11:20:30.1234567+01:00', '2026-01-31T10:20:30.123Z'],
    ['PowerShell "o" of a UTC time', '2026-01-31T10:20:30.1234567Z', '2026-01-31T10:20:30.123Z'],
    ['nine fraction digits', '2026-01-31T10:20:30.999999999Z', '2026-01-31T10:20:30.999Z'],
    ['one fraction digit', '2026-01-31T10:20:30.5Z', '2026-01-31T10:20:30.500Z'],
    ['a negative offset across midnight', '2026-01-31T22:00:00-05:30', '2026-02-01T03:30:00.000Z'],
    ['lower-case t and z', '2026-01-31t10:20:30z', '2026-01-31T10:20:30.000Z'],
    ['a space for T', '2026-01-31 10:20:30Z', '2026-01-31T10:20:30.000Z'],
    ['a + that arrived as a space', '2026-01-31T11:20:30 01:00', '2026-01-31T10:20:30.000Z'],
    ['29 February of a leap year', '2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['a leap second', '2016-12-31T23:59:60Z', '2016-12-31T23:59:59.999Z'],
    ['-00:00 (offset unknown: UTC)', '2026-01-31T10:20:30-00:00', '2026-01-31T10:20:30.000Z'],
  ])('reads %s', (_shape, text, instant) => {
    expect(parseRfc3339(text)?.toISOString()).toBe(instant);
  });

  it.each([
    ['no offset (Python isoformat() of a naive datetime)', '2026-01-31T10:20:30.123456'],
    ['a date alone', '2026-01-31'],
    ['ten fraction digits', '2026-01-31T10:20:30.1234567890Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['31 April', '2026-04-31T00:00:00Z'],
    ['29 February of a common year', '2026-02-29T00:00:00Z'],
    ['25 o\'clock', '2026-01-31T25:00:00Z'],
    ['an offset of 24 hours', '2026-01-31T10:00:00+24:00'],
    ['an offset without colon', '2026-01-31T10:00:00+0100'],
    ['a Unix time', '1767225600'],
    ['words', 'yesterday'],
    ['an empty text', ''],
  ])('refuses %s', (_what, text) => {
    expect(parseRfc3339(text)).toBeNull();
  });
});
