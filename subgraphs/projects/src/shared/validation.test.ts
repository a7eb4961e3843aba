import { checkCount, checkDateOrder, checkTaakveld, checkText, firstViolation } from './validation';

describe('input rules', () => {
  it('measures texts after trimming, against the stored length', () => {
    expect(checkText('title', '  ', 1, 200)).toMatchObject({ code: 'TEXT_LENGTH', field: 'title', message: 'title must be between 1 and 200 characters long.' });
    expect(checkText('title', 'x'.repeat(201), 1, 200)).toMatchObject({ code: 'TEXT_LENGTH' });
    expect(checkText('summary', '', 0, 5000)).toBeNull();
    expect(checkText('summary', 'x'.repeat(5001), 0, 5000)).toMatchObject({ message: 'summary must be at most 5000 characters long.' });
  });

  it('refuses an end before the start, and only then', () => {
    expect(checkDateOrder('2026-03-01', '2026-02-28')).toEqual({ code: 'END_BEFORE_START', field: 'plannedEnd', message: 'The end date (2026-02-28) lies before the start date (2026-03-01).' });
    expect(checkDateOrder('2026-03-01', '2026-03-01')).toBeNull();
    expect(checkDateOrder(null, '2026-03-01')).toBeNull();
    expect(checkDateOrder('2026-03-01', null)).toBeNull();
  });

  it.each(['0.1', '0.61', '5.7', '8.3'])('accepts the Iv3 taakveld %s', (code) => {
    expect(checkTaakveld(code)).toBeNull();
  });

  it.each(['57', '5.', '9.1', '5.123', 'groen', ' 5.7'])('refuses "%s" as a taakveld', (code) => {
    expect(checkTaakveld(code)).toMatchObject({ code: 'INVALID_TAAKVELD', field: 'taakveld' });
  });

  it('takes counts as whole numbers in range', () => {
    expect(checkCount('supporterCount', 0)).toBeNull();
    expect(checkCount('supporterCount', -1)).toMatchObject({ code: 'INVALID_COUNT' });
    expect(checkCount('supporterCount', 1.5)).toMatchObject({ code: 'INVALID_COUNT' });
  });

  it('reports the first broken rule in the order given', () => {
    expect(firstViolation(null, checkText('a', '', 1, 2), checkTaakveld('x'))).toMatchObject({ field: 'a' });
    expect(firstViolation(null, null)).toBeNull();
  });
});
