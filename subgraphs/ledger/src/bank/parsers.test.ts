import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCamt053 } from './camt053';
import { parseMt940 } from './mt940';
import { camt053, dutchIban, mt940, type FileStatement } from './testing/statement-files';
import { reconciliationOf } from './bank.store';

const statement: FileStatement = {
  iban: dutchIban('INGB', '0001234567'),
  statementId: 'STMT-1',
  sequence: '7',
  openingMinor: 10_000n,
  date: '2026-12-01',
  transactions: [
    { bankRef: 'R1', endToEndId: 'E1', date: '2026-12-01', minor: 2500n, counterpartyIban: dutchIban('RABO', '300'), counterpartyBic: 'RABONL2U', counterpartyName: 'J. Jansen', description: 'Contributie december' },
    { bankRef: 'R2', endToEndId: 'E2', date: '2026-12-01', minor: -1999n, counterpartyIban: dutchIban('ABNA', '417164300'), counterpartyBic: 'ABNANL2A', counterpartyName: 'Bouwmarkt BV', description: 'Verf & kwasten' },
  ],
};

describe('statement parsers', () => {
  it('read the same transactions from camt.053 and MT940', () => {
    const camt = parseCamt053(camt053(statement));
    const swift = parseMt940(mt940(statement));
    if (!camt.ok || !swift.ok) throw new Error(JSON.stringify([camt, swift]));
    expect(camt.statement).toMatchObject({ iban: statement.iban, statementId: 'STMT-1', sequence: '7', opening: { minor: 10_000n, date: '2026-12-01' }, closing: { minor: 10_501n } });
    expect(swift.statement).toMatchObject({ iban: statement.iban, opening: camt.statement.opening, closing: camt.statement.closing });
    expect(swift.statement.transactions).toEqual(camt.statement.transactions);
    expect(camt.statement.transactions[1]).toEqual({
      bankRef: 'R2',
      endToEndId: 'E2',
      bookingDate: '2026-12-01',
      valueDate: '2026-12-01',
      minor: -1999n,
      counterpartyIban: statement.transactions[1]!.counterpartyIban,
      counterpartyName: 'Bouwmarkt BV',
      description: 'Verf & kwasten',
    });
  });

  it('reads the fixture in the layout of ING\'s published camt.053 sample', () => {
    const parsed = parseCamt053(readFileSync(join(__dirname, '../../../../docs/examples/camt053-ing-sample.xml'), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.statement.transactions.length).toBe(3);
    const r = reconciliationOf({ openingMinor: parsed.statement.opening.minor, closingMinor: parsed.statement.closing.minor }, parsed.statement.transactions.map((t) => ({ minor: t.minor, open: true })), 0n);
    expect(r.internalDifference).toBe(0n);
  });

  it('names an inconsistent statement', () => {
    const r = reconciliationOf({ openingMinor: 100n, closingMinor: 250n }, [{ minor: 100n, open: false }, { minor: 40n, open: true }], 200n);
    expect(r).toMatchObject({ linesTotal: 140n, internalDifference: 10n, difference: 50n, unconfirmedLines: 1, unconfirmedTotal: 40n });
  });

  it.each([
    ['a DOCTYPE', camt053(statement).replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE x>'), 'DOCTYPE'],
    ['another namespace', camt053(statement).replace('camt.053.001.02', 'camt.052.001.02'), 'not a camt.053'],
    ['a foreign currency', camt053(statement).replace('<Amt Ccy="EUR">25.00', '<Amt Ccy="USD">25.00'), 'not EUR'],
    ['three decimals', camt053(statement).replace('>25.00<', '>25.001<'), 'at most 2 decimals'],
    ['a bad check digit', camt053({ ...statement, iban: 'NL00INGB0001234567' }), 'not a valid IBAN'],
    ['a missing closing balance', camt053(statement).replace('<Cd>CLBD</Cd>', '<Cd>XXXX</Cd>'), 'no CLBD balance'],
    ['deep nesting', camt053(statement).replace('<Ustrd>Contributie december</Ustrd>', `<Ustrd>${'<a>'.repeat(50)}${'</a>'.repeat(50)}</Ustrd>`), 'nested deeper'],
  ])('refuses a camt.053 with %s', (_name, file, reason) => {
    expect(parseCamt053(file)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  it.each([
    ['a repeated bank reference', mt940({ ...statement, transactions: [statement.transactions[0]!, statement.transactions[0]!] }), 'occurs twice'],
    ['no closing balance', mt940(statement).replace(/:62F:.*\r\n/, ''), ':62F:'],
    ['an unknown :86: key', mt940(statement).replace('/EREF/', '/QQQQ/'), 'unknown structured key'],
  ])('refuses an MT940 with %s', (_name, file, reason) => {
    expect(parseMt940(file)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});
