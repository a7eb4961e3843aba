import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stableId } from '@dbwe/platform';
import { CHART_TEMPLATES, DEFAULT_CHART, DEFAULT_TEMPLATE, defaultAccountId } from './default-chart';

/*
 * The template chart of accounts as documented (docs/chart-template.md): each account of the Dutch
 * wijkeconomie template is a row of the doc's table with the same code, name, type, unit and taakveld, and
 * the doc has no row the template lacks. Ids are stableId by code, so books opened with any template or
 * version agree on them.
 */
const doc = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'chart-template.md'), 'utf8');
const documented = doc
  .split('\n')
  .filter((line) => /^\| \d{4} \|/.test(line))
  .map((line) => line.split('|').slice(1, 6).map((cell) => cell.trim()));

describe('the template chart of accounts', () => {
  it('is the default, and the doc describes every account of it as it is', () => {
    expect(DEFAULT_TEMPLATE).toBe('dutch-wijkeconomie-2026');
    expect(DEFAULT_CHART).toBe(CHART_TEMPLATES['dutch-wijkeconomie-2026']);
    expect(documented).toEqual(DEFAULT_CHART.map(([code, name, type, unit, , taakveld]) => [code, name, type, unit, taakveld ?? '']));
  });

  it('has unique codes, Iv3 taakvelden only on income and expense accounts, and no overdraft on bank and cash', () => {
    for (const lines of Object.values(CHART_TEMPLATES)) {
      expect(new Set(lines.map(([code]) => code)).size).toBe(lines.length);
      for (const [code, , type, unit, noOverdraft, taakveld] of lines) {
        if (taakveld !== null) {
          expect({ code, taakveld }).toEqual({ code, taakveld: expect.stringMatching(/^[0-8]\.\d{1,2}$/) });
          expect({ code, type }).toEqual({ code, type: expect.stringMatching(/^(INCOME|EXPENSE)$/) });
          expect({ code, unit }).toEqual({ code, unit: 'EUR' });
        }
        expect({ code, noOverdraft }).toEqual({ code, noOverdraft: code === '1000' || code === '1100' });
      }
    }
  });

  it('keeps the ids of the accounts books were opened with before templates (stableId by code)', () => {
    const nb = stableId('neighbourhood:spijkerkwartier');
    for (const code of ['1000', '1100', '1300', '1600', '0500', '4000', '4100', '4200', '4900', '8000', '8100', '8200', '0900', '9000', '9100', '9800']) {
      expect(DEFAULT_CHART.some(([c]) => c === code)).toBe(true);
      expect(defaultAccountId(nb, code)).toBe(stableId(`account:${nb}:${code}`));
    }
    // As published since the first release: civic apps and the demo's exports name these ids.
    expect(defaultAccountId(nb, '1000')).toBe('7f5dab73-de98-5c3b-bbc8-90ab0445eed1');
    expect(defaultAccountId(nb, '9800')).toBe('89460fac-5fbd-5c35-a084-71a14d119cc9');
  });
});
