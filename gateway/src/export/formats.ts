import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify, type CastingContext } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { Column } from './columns';

export type ExportFormat = 'csv' | 'jsonl' | 'xlsx';

export const EXPORT_FORMATS: ExportFormat[] = ['csv', 'jsonl', 'xlsx'];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  jsonl: 'application/jsonl; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** CSV dialect of the default export (`?dialect=rfc4180`, or none), stated in the data package too. */
export const CSV_DIALECT = { delimiter: ',', quoteChar: '"', doubleQuote: true, lineTerminator: '\r\n', header: true } as const;

/**
 * The CSV dialects a client may ask for with `?dialect=`. `rfc4180` is what the exports always wrote;
 * `excel` is for spreadsheets in a locale whose decimal mark is a comma (Dutch Excel, LibreOffice): `;`
 * between fields, a UTF-8 byte order mark (without one Excel reads the file as Windows-1252 and garbles
 * é, ë and €), numbers with a decimal comma, and every text cell quoted, so an importer that takes quoted
 * fields as text keeps a taakveld such as `0500` or `5.7` as text.
 */
export const CSV_DIALECTS = {
  rfc4180: { ...CSV_DIALECT, bom: false, decimalChar: '.', quoteText: false },
  excel: { delimiter: ';', quoteChar: '"', doubleQuote: true, lineTerminator: '\r\n', header: true, bom: true, decimalChar: ',', quoteText: true },
} as const;

export type CsvDialectName = keyof typeof CSV_DIALECTS;

export const isCsvDialect = (name: string): name is CsvDialectName => Object.hasOwn(CSV_DIALECTS, name);

/**
 * OWASP's CSV Injection guidance: a text cell a spreadsheet would read as a formula (starting with `=`, `+`,
 * `-`, `@`, tab or carriage return, or their full-width forms, which some spreadsheets fold to the ASCII
 * ones) gets a leading `'`. A text that starts with `'` itself gets one too, so the prefix can be undone
 * exactly: whoever reads a file back drops one leading `'` from a text cell that has one (the verifier
 * does). The same rule for both CSV dialects and the xlsx, so a wish titled `=HYPERLINK(…)` reads the same
 * in every file; JSON Lines, read by programs, carries the text as it is.
 */
const FORMULA_START = /^['=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

const isNumeric = (column: Column) => column.type === 'number' || column.type === 'integer';

/** A text cell (where a formula could hide): strings, and lists written as JSON. */
const isText = (column: Column) => column.type === 'string' || column.type === 'array';

/** A text cell as written: neutralised, unless its column holds what the platform computed (hashes). */
const textCell = (column: Column, text: string) => (column.verbatim ? text : neutraliseFormula(text));

/** Writes one table's rows in one format into a stream, waiting whenever the stream is full. */
export interface TableWriter {
  write(row: unknown[]): Promise<void>;
  /** Finishes the file and ends the stream. */
  end(): Promise<void>;
}

async function drained(out: Writable): Promise<void> {
  if (out.writableNeedDrain && !out.destroyed) await Promise.race([once(out, 'drain'), once(out, 'close')]);
}

export function tableWriter(format: ExportFormat, dialect: CsvDialectName, columns: Column[], out: Writable, sheet: { name: string; title: string }): TableWriter {
  switch (format) {
    case 'csv':
      return csvWriter(CSV_DIALECTS[dialect], columns, out);
    case 'jsonl':
      return jsonlWriter(columns, out);
    case 'xlsx':
      return xlsxWriter(columns, out, sheet);
  }
}

function csvWriter(dialect: (typeof CSV_DIALECTS)[CsvDialectName], columns: Column[], out: Writable): TableWriter {
  type Cell = string | { value: string; quoted: true };
  const cell = (value: string, context: CastingContext): Cell => {
    if (context.header) return value;
    const column = columns[context.index];
    // A number is never a formula: -12.50 stays a negative amount, not the text '-12.50.
    if (isNumeric(column)) return dialect.decimalChar === '.' ? value : value.replace('.', dialect.decimalChar);
    if (!isText(column)) return value;
    const text = textCell(column, value);
    return dialect.quoteText && text !== '' ? { value: text, quoted: true } : text;
  };
  const stringifier = stringify({
    delimiter: dialect.delimiter,
    quote: dialect.quoteChar,
    escape: dialect.quoteChar,
    record_delimiter: dialect.lineTerminator,
    bom: dialect.bom,
    header: true,
    columns: columns.map((c, i) => ({ key: String(i), header: c.name })),
    // Formulas are neutralised above (neutraliseFormula), by one rule for every format.
    escape_formulas: false,
    cast: {
      string: cell,
      number: (value, context) => cell(String(value), context),
      bigint: (value, context) => cell(String(value), context),
      boolean: (value, context) => cell(String(value), context),
      object: (value, context) => cell(JSON.stringify(value), context),
    },
  });
  stringifier.pipe(out);
  return {
    async write(row) {
      if (!stringifier.write(row)) await Promise.race([once(stringifier, 'drain'), once(out, 'close')]);
      await drained(out);
    },
    async end() {
      stringifier.end();
      if (!out.writableFinished && !out.destroyed) await Promise.race([once(out, 'finish'), once(out, 'close')]);
    },
  };
}

function jsonlWriter(columns: Column[], out: Writable): TableWriter {
  return {
    async write(row) {
      const object: Record<string, unknown> = {};
      columns.forEach((c, i) => (object[c.name] = row[i]));
      out.write(JSON.stringify(object) + '\n');
      await drained(out);
    },
    async end() {
      out.end();
      if (!out.writableFinished && !out.destroyed) await Promise.race([once(out, 'finish'), once(out, 'close')]);
    },
  };
}

const XLSX_FORMATS: Partial<Record<Column['type'], string>> = {
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm:ss.000',
  string: '@',
  array: '@',
};

/** A value as the typed cell it is: numbers as numbers, dates as dates (UTC), booleans, text (neutralised). */
function xlsxValue(column: Column, value: unknown): ExcelJS.CellValue {
  if (value === null || value === undefined || value === '') return null;
  switch (column.type) {
    case 'integer':
    case 'number':
      return Number(value);
    case 'boolean':
      return value === true || value === 'true';
    case 'date':
      return new Date(`${String(value)}T00:00:00Z`);
    case 'datetime':
      return new Date(String(value));
    case 'array':
      return textCell(column, JSON.stringify(value));
    case 'string':
      return textCell(column, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
}

/**
 * The table as a workbook: the rows on a sheet named after the table, and a sheet "fields" with each
 * column's name, type, unit and description. exceljs's streaming writer commits every row as it comes and
 * keeps no shared-string table, so a ledger table of a million rows does not sit in memory.
 */
function xlsxWriter(columns: Column[], out: Writable, sheet: { name: string; title: string }): TableWriter {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'dBWE open data exports';
  workbook.title = sheet.title;
  const rows = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
  rows.columns = columns.map((c) => ({
    header: c.name,
    key: c.name,
    width: Math.min(40, Math.max(10, c.name.length + 2)),
    ...(XLSX_FORMATS[c.type] ? { style: { numFmt: XLSX_FORMATS[c.type] } } : {}),
  }));
  rows.getRow(1).font = { bold: true };
  rows.getRow(1).commit();
  return {
    async write(row) {
      rows.addRow(columns.map((c, i) => xlsxValue(c, row[i]))).commit();
      await drained(out);
    },
    async end() {
      rows.commit();
      const fields = workbook.addWorksheet('fields');
      fields.columns = [
        { header: 'name', key: 'name', width: 32 },
        { header: 'type', key: 'type', width: 10 },
        { header: 'unit', key: 'unit', width: 40 },
        { header: 'description', key: 'description', width: 100 },
      ];
      fields.getRow(1).font = { bold: true };
      for (const c of columns) {
        fields.addRow({ name: c.name, type: c.type, unit: c.unit, description: neutraliseFormula(c.description) }).commit();
      }
      fields.commit();
      await workbook.commit();
    },
  };
}
