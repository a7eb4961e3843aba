import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../../test/platform';
import { parseCsv } from '../../../test/csv';

/*
 * The annual accounts of the demo Spijkerkwartier for 2025 as a reader outside the platform gets them:
 * the PDF and the workbook through the real gateway (anonymous: the books are public), and the published
 * entry lines, from which every total of the accounts is recomputed here. Expected books (2025): income
 * 63 070.00, expenses 15 375.20, result 47 694.80 = the bank at 31 December; 883 volunteer hours given and
 * put in; the budget's revision 2 against them per taakveld (5.7 greenery, 6.1 activities, 7.1 meals).
 * The PDF's first pages are rendered to PNG (SCREENSHOT_DIR when set) to be looked at.
 */
const run = promisify(execFile);
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const EXPORTS = '/export/v1/neighbourhoods/spijkerkwartier';

/** Minor units as a decimal string with two decimals, the way the graph writes amounts. */
const decimal = (minor: bigint) => {
  const sign = minor < 0n ? '-' : '';
  const digits = (minor < 0n ? -minor : minor).toString().padStart(3, '0');
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
};

let platform: RunningPlatform;
let dir: string;
const get = (path: string, headers: Record<string, string> = {}) => fetch(new URL(path, platform.gatewayUrl), { headers });

beforeAll(async () => {
  platform = await startPlatform();
  dir = await mkdtemp(join(tmpdir(), 'dbwe-annual-'));
});
afterAll(async () => {
  await platform.stop();
  await rm(dir, { recursive: true, force: true });
});

const ANNUAL = `query ($id: ID!) { neighbourhood(id: $id) { annualAccounts(year: 2025) {
  incomeStatement { totals { unit income { amount } expenses { amount } result { amount } } }
  balanceSheet { totals { unit assets { amount } liabilities { amount } equity { amount } resultNotInEquity { amount } } }
  volunteerHours { given { amount } received { amount } }
  yearEndCheckpoint { size rootHash } } } }`;

describe('the annual accounts against the published entry lines', () => {
  it('has every total equal to a sum of the exported lines booked in the year', async () => {
    const { body } = await platform.query<any>(ANNUAL, { id: spijkerkwartier });
    const accounts = body.data!.neighbourhood.annualAccounts;
    const csv = async (table: string) => parseCsv(await (await get(`${EXPORTS}/${table}.csv`)).text());
    // One download at a time: the gateway gives each client a few export slots.
    const [entries, lines, chart] = [await csv('ledger_entries'), await csv('ledger_lines'), await csv('accounts')];
    const bookedOn = new Map(entries.map((e) => [e.id, e.bookingDate]));
    const typeOf = new Map(chart.map((a) => [a.id, a.type]));

    // Recomputed from the CSV alone: per unit, the year's income and expense lines and every balance-sheet line up to 31 December.
    const sums = new Map<string, bigint>();
    const add = (key: string, minor: bigint) => sums.set(key, (sums.get(key) ?? 0n) + minor);
    for (const line of lines) {
      const date = bookedOn.get(line.entryId)!;
      const type = typeOf.get(line.account_accountId)!;
      const minor = BigInt(line.amount_minorUnits);
      if (date > '2025-12-31') continue;
      if (date >= '2025-01-01' && (type === 'INCOME' || type === 'EXPENSE')) add(`${type}/${line.amount_unit}/year`, minor);
      add(`${type}/${line.amount_unit}/end`, minor);
    }
    const s = (key: string) => sums.get(key) ?? 0n;
    for (const total of accounts.incomeStatement.totals) {
      expect(total.income.amount).toBe(decimal(-s(`INCOME/${total.unit}/year`)));
      expect(total.expenses.amount).toBe(decimal(s(`EXPENSE/${total.unit}/year`)));
      expect(total.result.amount).toBe(decimal(-s(`INCOME/${total.unit}/year`) - s(`EXPENSE/${total.unit}/year`)));
    }
    for (const total of accounts.balanceSheet.totals) {
      expect(total.assets.amount).toBe(decimal(s(`ASSET/${total.unit}/end`)));
      expect(total.liabilities.amount).toBe(decimal(-s(`LIABILITY/${total.unit}/end`)));
      expect(total.equity.amount).toBe(decimal(-s(`EQUITY/${total.unit}/end`)));
      expect(total.resultNotInEquity.amount).toBe(decimal(-s(`INCOME/${total.unit}/end`) - s(`EXPENSE/${total.unit}/end`)));
    }
    expect(accounts.volunteerHours.given.amount).toBe(decimal(-s('INCOME/HOUR/year')));
    expect(accounts.incomeStatement.totals.find((t: any) => t.unit === 'EUR')).toEqual({
      unit: 'EUR', income: { amount: '63070.00' }, expenses: { amount: '15375.20' }, result: { amount: '47694.80' },
    });
  });

  it('exports the budget lines with revisions and the budget against actuals per taakveld, joinable on CBS codes', async () => {
    const csv = async (table: string) => parseCsv(await (await get(`${EXPORTS}/${table}.csv`)).text());
    const budgetLines = await csv('neighbourhood_budget_lines');
    expect(budgetLines).toHaveLength(16);
    expect(budgetLines.filter((l) => l.revision === '2' && l.taakveld === '7.1')).toEqual([
      expect.objectContaining({ year: '2025', position: '6', type: 'EXPENSE', amount_amount: '500.00', amount_unit: 'EUR', account_accountId: '' }),
    ]);
    expect(new Set(budgetLines.map((l) => l.reason)).size).toBe(2);

    const rows = await csv('neighbourhood_budget_vs_actuals');
    expect(rows.map((r) => [r.year, r.taakveld, r.type, r.unit, r.neighbourhood_municipality_cbsCode, r.budget_amount, r.actual_amount, r.difference_amount])).toEqual([
      ['2025', '5.7', 'INCOME', 'EUR', 'GM0202', '37000.00', '37000.00', '0.00'],
      ['2025', '5.7', 'EXPENSE', 'EUR', 'GM0202', '14000.00', '13564.00', '436.00'],
      ['2025', '6.1', 'INCOME', 'EUR', 'GM0202', '25000.00', '25000.00', '0.00'],
      ['2025', '6.1', 'EXPENSE', 'EUR', 'GM0202', '1500.00', '1221.30', '278.70'],
      ['2025', '7.1', 'EXPENSE', 'EUR', 'GM0202', '500.00', '0.00', '500.00'],
    ]);
    // The actuals are the year's lines on the accounts mapped to each taakveld, from the other exports.
    const [entries, lines, chart] = [await csv('ledger_entries'), await csv('ledger_lines'), await csv('accounts')];
    const bookedOn = new Map(entries.map((e) => [e.id, e.bookingDate]));
    const accountOf = new Map(chart.map((a) => [a.id, a]));
    for (const row of rows) {
      const actual = lines
        .filter((l) => bookedOn.get(l.entryId)!.startsWith('2025-'))
        .filter((l) => accountOf.get(l.account_accountId)!.taakveld === row.taakveld && accountOf.get(l.account_accountId)!.type === row.type)
        .reduce((sum, l) => sum + BigInt(l.amount_minorUnits), 0n);
      expect(row.actual_minorUnits).toBe(String(row.type === 'INCOME' ? -actual : actual));
    }
    const pkg = await (await get(`${EXPORTS}/datapackage.json`)).json();
    expect(pkg.resources.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['neighbourhood_budget_lines', 'neighbourhood_budget_vs_actuals']));
  });
});

describe('the annual accounts as a PDF', () => {
  let pdf: Buffer;
  let etag: string;
  beforeAll(async () => {
    const res = await get(`${EXPORTS}/annual-accounts/2025.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    etag = res.headers.get('etag')!;
    pdf = Buffer.from(await res.arrayBuffer());
  });

  it('is a PDF with the treasurer’s sections, the figures in Dutch notation and the year-end checkpoint', async () => {
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = join(dir, 'jaarrekening-2025.pdf');
    await writeFile(file, pdf);
    const { stdout: info } = await run('pdfinfo', [file]);
    expect(info).toMatch(/Title:\s+Jaarrekening 2025 Spijkerkwartier/);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    expect(pages).toBeGreaterThanOrEqual(4);
    const { stdout: text } = await run('pdftotext', ['-layout', file, '-']);
    for (const expected of [
      'Jaarrekening 2025',
      'Spijkerkwartier',
      'Arnhem (GM0202)',
      'concept: het boekjaar is nog niet afgesloten',
      '1. Balans per 2025-12-31',
      '2. Staat van baten en lasten 2025',
      '3. Begroting en realisatie 2025',
      '4. Vrijwilligersuren 2025',
      '5. Toelichting per project',
      '6. Controleerbaarheid',
      '€ 47.694,80',
      '€ 63.070,00',
      '€ 15.375,20',
      '€ 13.564,00',
      '883,00 uur',
      'Groenonderhoud Lindenplein',
      'dbwe-verify check',
      `pagina ${pages} van ${pages}`,
    ]) {
      expect(text).toContain(expected);
    }
    const { body } = await platform.query<any>(ANNUAL, { id: spijkerkwartier });
    const checkpoint = body.data!.neighbourhood.annualAccounts.yearEndCheckpoint;
    expect(text).toContain(checkpoint.rootHash);

    const shots = process.env.SCREENSHOT_DIR ?? join(dir, 'png');
    await mkdir(shots, { recursive: true });
    await run('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', String(Math.min(pages, 6)), file, join(shots, 'annual-accounts-2025')]);
    const pngs = (await readdir(shots)).filter((f) => f.startsWith('annual-accounts-2025') && f.endsWith('.png'));
    expect(pngs.length).toBe(Math.min(pages, 6));
  });

  it('has a validator: the same figures answer If-None-Match with 304', async () => {
    expect(etag).toMatch(/^W\/"annual-2025-pdf-/);
    expect((await get(`${EXPORTS}/annual-accounts/2025.pdf`, { 'if-none-match': etag })).status).toBe(304);
  });

  it('names what it does not have', async () => {
    expect((await get(`${EXPORTS}/annual-accounts/25.pdf`)).status).toBe(404);
    expect((await get(`${EXPORTS}/annual-accounts/2025.docx`)).status).toBe(404);
  });
});

describe('the annual accounts as a workbook', () => {
  it('opens, with each section on a sheet and amounts as numbers', async () => {
    const res = await get(`${EXPORTS}/annual-accounts/2025.xlsx`);
    expect(res.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      'overzicht', 'balans', 'baten en lasten', 'begroting per taakveld', 'begroting per rekening', 'vrijwilligersuren', 'projecten',
    ]);
    const rows = (name: string) => workbook.getWorksheet(name)!.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1));
    expect(rows('balans')).toContainEqual(['totaal activa', null, null, 'EUR', 47694.8].map((v) => v ?? undefined));
    expect(rows('begroting per taakveld')[1]).toEqual(['5.7', 'lasten', 'EUR', 14000, 13564, 436]);
    expect(rows('overzicht')).toContainEqual(['status', 'concept: het boekjaar is nog niet afgesloten']);
  });

  it('opens in LibreOffice, the totals as numbers', async () => {
    const file = join(dir, 'jaarrekening-2025.xlsx');
    await writeFile(file, Buffer.from(await (await get(`${EXPORTS}/annual-accounts/2025.xlsx`)).arrayBuffer()));
    // As a flat OpenDocument file every sheet is text to read: the totals must come through as numbers, and nothing as a formula.
    await run('soffice', [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'fods', '--outdir', join(dir, 'out'), file], {
      env: { ...process.env, LANG: 'nl_NL.UTF-8', LC_ALL: 'nl_NL.UTF-8' },
    });
    const fods = await readFile(join(dir, 'out', 'jaarrekening-2025.fods'), 'utf8');
    expect(fods).toContain('table:name="balans"');
    expect(fods).toMatch(/office:value-type="float" office:value="47694.8"/);
    expect(fods).not.toContain('table:formula');
  });
});
