import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A value as COPY's text format takes it; arrays become PostgreSQL array literals. */
export type Cell = string | number | bigint | boolean | Date | null | readonly string[];

function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((item) => `"${item.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

function text(cell: Cell): string {
  if (cell === null) return '\\N';
  if (cell instanceof Date) return cell.toISOString();
  if (typeof cell === 'boolean') return cell ? 't' : 'f';
  if (typeof cell === 'number' || typeof cell === 'bigint') return String(cell);
  const raw = typeof cell === 'string' ? cell : arrayLiteral(cell);
  return raw.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

const CHUNK_CHARS = 1 << 20;

/**
 * Streams rows into a table with COPY … FROM STDIN: the bulk path, one
 * statement however many rows. Row triggers and constraints still apply.
 * Returns the number of rows written.
 */
export async function copyRows(client: ClientBase, table: string, columns: readonly string[], rows: Iterable<readonly Cell[]>): Promise<number> {
  let count = 0;
  function* chunks(): Generator<string> {
    let buffer = '';
    for (const row of rows) {
      buffer += row.map(text).join('\t') + '\n';
      count++;
      if (buffer.length >= CHUNK_CHARS) {
        yield buffer;
        buffer = '';
      }
    }
    if (buffer) yield buffer;
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
  return count;
}
