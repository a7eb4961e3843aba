import { accountStateOn, changeProblem, taakveldOn, type AccountChangeRecord } from './account-changes';

/*
 * Account 4200 as created: "Activiteiten en ontmoeting", taakveld 6.1. Renamed and re-mapped to 6.3 from 2026-07-01,
 * closed from 2027-01-01. Expected: before July 2026 the old name and 6.1, from July the new name and 6.3, from 2027
 * closed; a change dated before the last one, or after the closing, or changing nothing, is refused.
 */
const created = { name: 'Activiteiten en ontmoeting', taakveld: '6.1' };
const change = (n: number, effectiveFrom: string, over: Partial<AccountChangeRecord>): AccountChangeRecord => ({
  accountId: 'a',
  change: n,
  effectiveFrom,
  oldName: created.name,
  newName: created.name,
  oldTaakveld: created.taakveld,
  newTaakveld: created.taakveld,
  closes: false,
  reason: 'Besluit',
  recordedAt: new Date('2026-06-15T10:00:00Z'),
  recordedBy: null,
  ...over,
});
const renamed = change(1, '2026-07-01', { newName: 'Buurtactiviteiten', newTaakveld: '6.3' });
const closed = change(2, '2027-01-01', { oldName: 'Buurtactiviteiten', newName: 'Buurtactiviteiten', oldTaakveld: '6.3', newTaakveld: '6.3', closes: true });

describe('the chart of accounts over time', () => {
  it('answers the name, taakveld and closing valid on a date', () => {
    expect(accountStateOn(created, [], '2026-08-01')).toEqual({ ...created, closedFrom: null });
    expect(accountStateOn(created, [renamed, closed], '2026-06-30')).toEqual({ ...created, closedFrom: null });
    expect(accountStateOn(created, [renamed, closed], '2026-07-01')).toEqual({ name: 'Buurtactiviteiten', taakveld: '6.3', closedFrom: null });
    expect(accountStateOn(created, [renamed, closed], '2027-01-01')).toEqual({ name: 'Buurtactiviteiten', taakveld: '6.3', closedFrom: '2027-01-01' });
  });

  it('taakveldOn gives the mapping valid on a date, for budget against actuals of a past year', () => {
    expect(taakveldOn([renamed], '2025-12-31')).toBe('6.1');
    expect(taakveldOn([renamed], '2026-07-01')).toBe('6.3');
    expect(taakveldOn([], '2026-07-01', '5.7')).toBe('5.7');
    expect(taakveldOn([], '2026-07-01')).toBeNull();
  });

  it('refuses a change out of order, after a closing, or changing nothing', () => {
    const now = accountStateOn(created, [renamed], '9999-12-31');
    expect(changeProblem(now, [renamed], { effectiveFrom: '2026-06-30', name: 'X', reason: 'r' })).toEqual({ kind: 'outOfOrder', latest: '2026-07-01' });
    expect(changeProblem(now, [renamed, closed], { effectiveFrom: '2027-02-01', name: 'X', reason: 'r' })).toEqual({ kind: 'closed', closedFrom: '2027-01-01' });
    expect(changeProblem(now, [renamed], { effectiveFrom: '2026-08-01', name: 'Buurtactiviteiten', taakveld: '6.3', reason: 'r' })).toMatchObject({ kind: 'invalid', field: 'input' });
    expect(changeProblem(now, [renamed], { effectiveFrom: '2026-08-01', close: false, reason: 'r' })).toMatchObject({ kind: 'invalid', field: 'close' });
    expect(changeProblem(now, [renamed], { effectiveFrom: '2026-8-1', name: 'X', reason: 'r' })).toMatchObject({ kind: 'invalid', field: 'effectiveFrom' });
    expect(changeProblem(now, [renamed], { effectiveFrom: '2026-08-01', name: 'X', reason: ' ' })).toMatchObject({ kind: 'invalid', field: 'reason' });
    expect(changeProblem(now, [renamed], { effectiveFrom: '2026-07-01', close: true, reason: 'r' })).toBeNull();
  });
});
