import type { AccountEntity } from '../accounts/account.entity';
import { overdraftProblem, postEntryFingerprint, readPostEntry, type EntryRequest, type PostEntryArgs } from './posting-rules';

const nb = '2f8f3c1e-6a4b-5d7e-8f90-a1b2c3d4e5f6';
const bank = '11111111-2222-5333-8444-555555555555';
const costs = 'bbbbbbbb-cccc-5ddd-8eee-ffffffffffff';
const hours = 'cccccccc-cccc-5ddd-8eee-ffffffffffff';

const args = (overrides: Partial<PostEntryArgs> = {}): PostEntryArgs => ({
  neighbourhoodId: nb,
  idempotencyKey: 'k-1',
  bookingDate: '2025-03-01',
  description: 'Koffie voor de vrijwilligers',
  lines: [
    { accountId: costs, side: 'DEBIT', amount: '12.50', unit: 'EUR' },
    { accountId: bank, side: 'CREDIT', amount: '12.50', unit: 'EUR' },
  ],
  ...overrides,
});

const failureOf = (input: PostEntryArgs) => {
  const read = readPostEntry(input);
  return 'failure' in read ? read.failure : null;
};

describe('reading a postEntry request', () => {
  it('turns sides and decimal amounts into signed minor units', () => {
    const read = readPostEntry(args());
    expect('request' in read && read.request.lines.map((l) => l.minor)).toEqual([1250n, -1250n]);
  });

  it('refuses each broken rule with its own error', () => {
    expect(failureOf(args({ lines: [args().lines[0]] }))).toMatchObject({ __typename: 'TooFewLines', code: 'FEWER_THAN_TWO_LINES', lineCount: 1 });
    expect(failureOf(args({ lines: [] }))).toMatchObject({ __typename: 'TooFewLines', lineCount: 0 });
    for (const amount of ['1e3', '12,50', '0.001', 'NaN', '', '-5', '0', '0.00']) {
      const lines = [{ ...args().lines[0], amount }, args().lines[1]];
      expect(failureOf(args({ lines }))).toMatchObject({ __typename: 'MalformedAmount', code: 'MALFORMED_AMOUNT', field: 'lines.0.amount', given: amount });
    }
    expect(failureOf(args({ lines: [args().lines[0], { ...args().lines[1], amount: '12.49' }] }))).toMatchObject({
      __typename: 'UnbalancedEntry',
      code: 'UNBALANCED_ENTRY',
      difference: { minor: 1n, unit: 'EUR' },
    });
    // +10 EUR against -10 HOUR sums to zero, but each unit must balance on its own.
    const mixed = [
      { accountId: costs, side: 'DEBIT' as const, amount: '10', unit: 'EUR' as const },
      { accountId: hours, side: 'CREDIT' as const, amount: '10', unit: 'HOUR' as const },
    ];
    expect(failureOf(args({ lines: mixed }))).toMatchObject({ __typename: 'MixedUnitsUnbalanced', code: 'UNBALANCED_PER_UNIT', difference: { minor: 1000n, unit: 'EUR' } });
    expect(failureOf(args({ lines: [{ ...args().lines[0], accountId: 'nope' }, args().lines[1]] }))).toMatchObject({ __typename: 'UnknownAccount', field: 'lines.0.accountId' });
    expect(failureOf(args({ description: '   ' }))).toMatchObject({ __typename: 'InvalidLedgerInput', field: 'description' });
    expect(failureOf(args({ description: 'half a surrogate \ud800' }))).toMatchObject({ __typename: 'InvalidLedgerInput', field: 'description' });
    expect(failureOf(args({ idempotencyKey: '' }))).toMatchObject({ __typename: 'InvalidLedgerInput', field: 'idempotencyKey' });
    expect(failureOf(args({ evidenceUrl: 'javascript:alert(1)' }))).toMatchObject({ __typename: 'InvalidLedgerInput', field: 'evidenceUrl' });
    const withCounterparty = (counterparty: PostEntryArgs['lines'][number]['counterparty']) =>
      args({ lines: [{ ...args().lines[0], counterparty }, args().lines[1]] });
    expect(failureOf(withCounterparty({ memberId: bank }))).toMatchObject({ __typename: 'InvalidLedgerInput', field: 'lines.0.counterparty.domain' });
    expect(failureOf(withCounterparty({ memberId: bank, domain: 'CITIZEN', name: 'Both' }))).toMatchObject({ __typename: 'InvalidLedgerInput' });
    expect(failureOf(withCounterparty({ domain: 'CITIZEN' }))).toMatchObject({ __typename: 'InvalidLedgerInput' });
    expect(failureOf(withCounterparty({ memberId: bank, domain: 'ENTREPRENEUR' }))).toBeNull();
  });

  it('accepts amounts above 2^31 minor units and keeps them exact', () => {
    const big = '92233720368547.58';
    const read = readPostEntry(args({ lines: args().lines.map((l) => ({ ...l, amount: big })) }));
    expect('request' in read && read.request.lines[0].minor).toBe(9223372036854758n);
  });

  it('fingerprints the normalised request: a retry matches, any change does not', () => {
    const print = (input: PostEntryArgs) => postEntryFingerprint((readPostEntry(input) as { request: EntryRequest }).request);
    const original = print(args());
    // Same content written differently: "12.5" for "12.50", upper-case ids, padded description, another key.
    const same = args({
      idempotencyKey: 'another key',
      description: '  Koffie voor de vrijwilligers ',
      lines: [
        { accountId: costs.toUpperCase(), side: 'DEBIT', amount: '12.5', unit: 'EUR' },
        { accountId: bank, side: 'CREDIT', amount: '12.50', unit: 'EUR' },
      ],
    });
    expect(print(same)).toBe(original);
    expect(print(args({ bookingDate: '2025-03-02' }))).not.toBe(original);
    expect(print(args({ lines: [...args().lines].reverse().map((l) => ({ ...l, side: l.side === 'DEBIT' ? 'CREDIT' : 'DEBIT' })) }))).not.toBe(original);
  });
});

describe('the overdraft rule', () => {
  const account = (balance: string, type: AccountEntity['type'] = 'ASSET'): AccountEntity => ({
    id: bank,
    neighbourhoodId: nb,
    code: '1000',
    name: 'Bank',
    type,
    unit: 'EUR',
    projectId: null,
    taakveld: null,
    noOverdraft: true,
    balanceMinor: balance,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  });

  it('refuses taking a protected asset below zero and allows reaching exactly zero', () => {
    expect(overdraftProblem([{ accountId: bank, minor: -1000n }], new Map([[bank, account('1000')]]))).toBeNull();
    expect(overdraftProblem([{ accountId: bank, minor: -1001n }], new Map([[bank, account('1000')]]))).toMatchObject({
      __typename: 'Overdraft',
      balance: { minor: 1000n },
      wouldBecome: { minor: -1n },
    });
  });

  it('judges the balance after the whole entry, whatever the order of its lines', () => {
    // -5.00 then +25.00 leaves 20.00: below zero only halfway, which does not count.
    expect(overdraftProblem([{ accountId: bank, minor: -500n }, { accountId: bank, minor: 2500n }], new Map([[bank, account('0')]]))).toBeNull();
    expect(overdraftProblem([{ accountId: bank, minor: 2500n }, { accountId: bank, minor: -3000n }], new Map([[bank, account('0')]]))).toMatchObject({
      __typename: 'Overdraft',
      field: 'lines.0.amount',
      wouldBecome: { minor: -500n },
    });
  });

  it('reads credit accounts the other way round', () => {
    expect(overdraftProblem([{ accountId: bank, minor: 1n }], new Map([[bank, account('0', 'LIABILITY')]]))).toMatchObject({ __typename: 'Overdraft' });
    expect(overdraftProblem([{ accountId: bank, minor: -1n }], new Map([[bank, account('0', 'LIABILITY')]]))).toBeNull();
  });
});
