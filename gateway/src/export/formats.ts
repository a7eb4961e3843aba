import type { Column } from './columns';

export type ExportFormat = 'csv' | 'jsonl';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  jsonl: 'application/jsonl; charset=utf-8',
};

/** CSV dialect of every export, stated in the data package too. */
export const CSV_DIALECT = { delimiter: ',', quoteChar: '"', doubleQuote: true, lineTerminator: '\r\n', header: true } as const;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function headerLine(format: ExportFormat, columns: Column[]): string {
  return format === 'csv' ? columns.map((c) => csvCell(c.name)).join(',') + CSV_DIALECT.lineTerminator : '';
}

export function rowLine(format: ExportFormat, columns: Column[], row: unknown[]): string {
  if (format === 'csv') return row.map(csvCell).join(',') + CSV_DIALECT.lineTerminator;
  const object: Record<string, unknown> = {};
  columns.forEach((c, i) => (object[c.name] = row[i]));
  return JSON.stringify(object) + '\n';
}
