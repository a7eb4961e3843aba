import { similarity, suggestCounterAccount, words, type ConfirmedLine } from './suggestion';

const history: ConfirmedLine[] = [
  { lineId: 'l3', counterpartyIban: 'NL91ABNA0417164300', description: 'Huur buurthuis december', counterAccountId: 'rent', bookingDate: '2026-12-01' },
  { lineId: 'l2', counterpartyIban: 'NL20INGB0001234567', description: 'Contributie november Jansen', counterAccountId: 'contributions', bookingDate: '2026-11-03' },
  { lineId: 'l1', counterpartyIban: 'NL91ABNA0417164300', description: 'Huur buurthuis oktober', counterAccountId: 'old-rent', bookingDate: '2026-10-01' },
];

describe('counter account suggestion', () => {
  it('follows the newest confirmed line with the same counterparty IBAN', () => {
    expect(suggestCounterAccount({ counterpartyIban: 'NL91ABNA0417164300', description: 'anything' }, history)).toEqual({
      accountId: 'rent',
      basis: 'SAME_IBAN',
      fromLineId: 'l3',
      score: 1,
    });
  });

  it('falls back to the most similar description when the IBAN is new', () => {
    const s = suggestCounterAccount({ counterpartyIban: 'NL02RABO0123456789', description: 'Contributie december Jansen' }, history);
    expect(s).toMatchObject({ accountId: 'contributions', basis: 'SIMILAR_DESCRIPTION', fromLineId: 'l2' });
    expect(s!.score).toBeCloseTo(0.5);
  });

  it('proposes nothing below half the words shared', () => {
    expect(suggestCounterAccount({ counterpartyIban: null, description: 'Aankoop verf speeltuin' }, history)).toBeNull();
  });

  it('ignores case, accents, digits and short words', () => {
    expect([...words('Café 2026 de BUURT-huis')]).toEqual(['cafe', 'buurt', 'huis']);
    expect(similarity(words('a b'), words('c'))).toBe(0);
  });
});
