import { Books } from '../src/books';
import { accountChangeLeafData, accountLeafData, readLeaf, type AccountChange, type AccountVersion } from '../src/records';

/*
 * The account-change leaves (dbwe-account-change-v1) as the verifier reads them. Account 4200 "Activiteiten en
 * ontmoeting" (6.1), renamed "Buurtactiviteiten" and re-mapped to 6.3 from 2026-07-01, then closed from 2027-01-01.
 * Expected: the name and taakveld compared with what is served are those of the date the check runs on; a change
 * that does not start from what the account was, is out of order, or follows a closing, is invalid.
 */
const NB = '581f4ff8-4e9a-56de-b160-d907a3f32001';
const ID = 'dbdc56bb-15b1-577c-b540-fdcdb851abb0';
const account: AccountVersion = {
  accountId: ID,
  version: 1,
  neighbourhoodId: NB,
  code: '4200',
  name: 'Activiteiten en ontmoeting',
  type: 'EXPENSE',
  unit: 'EUR',
  projectId: null,
  taakveld: '6.1',
  noOverdraft: false,
  versionRecordedAt: '2025-01-06T09:00:00.000Z',
  recordedById: null,
};
const rename: AccountChange = {
  accountId: ID,
  change: 1,
  neighbourhoodId: NB,
  effectiveFrom: '2026-07-01',
  oldName: 'Activiteiten en ontmoeting',
  newName: 'Buurtactiviteiten',
  oldTaakveld: '6.1',
  newTaakveld: '6.3',
  closes: false,
  reason: 'Besluit bestuur',
  recordedAt: '2026-06-15T10:00:00.000Z',
  recordedById: null,
};
const close: AccountChange = { ...rename, change: 2, effectiveFrom: '2027-01-01', oldName: 'Buurtactiviteiten', oldTaakveld: '6.3', closes: true };

function books(today: string, ...changes: AccountChange[]): Books {
  const b = new Books(NB, today);
  b.addLeaf(0, accountLeafData(account), { kind: 'ACCOUNT' });
  changes.forEach((c, i) => b.addLeaf(i + 1, accountChangeLeafData(c), { kind: 'ACCOUNT_CHANGE' }));
  return b;
}

describe('account-change leaves', () => {
  it('reads the format back field by field', () => {
    expect(readLeaf(accountChangeLeafData(rename))).toEqual({ kind: 'ACCOUNT_CHANGE', change: rename });
    expect(readLeaf(accountChangeLeafData(rename).replace('"2026-07-01"', '"1 juli"'))).toEqual({ problem: 'dbwe-account-change-v1: element 4 (effective from) is "1 juli"' });
  });

  it('compares the served name and taakveld as of the day of the check', () => {
    const served = { id: ID, neighbourhoodId: NB, code: '4200', type: 'EXPENSE', unit: 'EUR', projectId: null, noOverdraft: false, version: 1, leafIndex: 0, versionRecordedAt: account.versionRecordedAt, balance: null };
    expect(() => books('2026-06-30', rename).compareAccount({ ...served, name: 'Activiteiten en ontmoeting', taakveld: '6.1' }, { balance: false })).not.toThrow();
    expect(() => books('2026-07-01', rename).compareAccount({ ...served, name: 'Buurtactiviteiten', taakveld: '6.3' }, { balance: false })).not.toThrow();
    expect(() => books('2026-07-01', rename).compareAccount({ ...served, name: 'Activiteiten en ontmoeting', taakveld: '6.1' }, { balance: false })).toThrow(
      'name is served as "Activiteiten en ontmoeting", its latest leaf (0) says "Buurtactiviteiten"',
    );
    expect(books('2027-01-01', rename, close).accountOn(ID, '2027-01-01')).toEqual({ name: 'Buurtactiviteiten', taakveld: '6.3', closedFrom: '2027-01-01' });
  });

  it('refuses a change that does not follow the changes before it', () => {
    expect(() => books('2026-07-01', { ...rename, oldName: 'Iets anders' })).toThrow(/starts from \["Iets anders","6.1"\], the account was \["Activiteiten en ontmoeting","6.1"\]/);
    expect(() => books('2026-07-01', rename, { ...close, effectiveFrom: '2026-06-01' })).toThrow(/takes effect on 2026-06-01, before change 1/);
    expect(() => books('2027-02-01', rename, close, { ...close, change: 3, closes: false, newName: 'Weer open' })).toThrow(/nothing follows a closing/);
    expect(() => books('2026-07-01', { ...rename, change: 2 })).toThrow(/has change 2 where change 1 is due/);
  });
});
