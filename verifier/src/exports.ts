/**
 * Reading the open-data exports (docs/ledger-hash.md, "Getting the data") instead of paging the graph: the tables
 * log_leaves, ledger_entries, ledger_lines, accounts and budget_revisions, as CSV or JSON Lines, from the export
 * URL of a neighbourhood or from a folder of downloaded files. Column names are compared without case and
 * underscores (`leaf_index` = `leafIndex`), and a few spellings are accepted for each: the export derives its names
 * from the graph's field paths (see SPEC-QUESTIONS.md).
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CannotCheck } from './verdict';
import type { Entry, Line } from './records';
import type { ServedAccount, ServedRevision } from './books';

type Row = Map<string, unknown>;

const normalise = (name: string) => name.toLowerCase().replace(/_/g, '');

interface Table {
  name: string;
  rows: AsyncGenerator<Row>;
  /** The `Ledger-Checkpoint-Size` the export answered with, when it came over HTTP. */
  size: number | null;
}

async function* decodeUtf8(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of chunks) yield decoder.decode(chunk, { stream: true });
  yield decoder.decode();
}

async function* jsonLines(text: AsyncIterable<string>, table: string): AsyncGenerator<Row> {
  let buffer = '';
  let lineNumber = 0;
  const parse = (line: string): Row => {
    lineNumber++;
    try {
      const value = JSON.parse(line);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      return new Map(Object.entries(value).map(([k, v]) => [normalise(k), v]));
    } catch (error) {
      throw new CannotCheck(`${table}: line ${lineNumber} is not a JSON object (${(error as Error).message})`);
    }
  };
  for await (const chunk of text) {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line.trim() !== '') yield parse(line);
    }
  }
  if (buffer.trim() !== '') yield parse(buffer);
}

/**
 * RFC 4180 CSV with a header row; an empty cell is null (the exports write null as nothing). A cell that starts
 * with `'` loses that one character: the exports put it before a text that a spreadsheet would take for a
 * formula (`=`, `+`, `-`, `@`, …) or that starts with `'` itself, and a number never starts with one.
 */
async function* csvRows(text: AsyncIterable<string>, table: string): AsyncGenerator<Row> {
  let header: string[] | null = null;
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let afterQuote = false;
  let wasQuoted = false;
  const cells: (string | null)[] = [];
  const endCell = () => {
    cells.push(cell === '' && !wasQuoted ? null : cell.startsWith("'") ? cell.slice(1) : cell);
    cell = '';
    wasQuoted = false;
    afterQuote = false;
  };
  function* endRecord(): Generator<Row> {
    endCell();
    record = cells.splice(0) as string[];
    if (record.length === 1 && record[0] === null) return;
    if (!header) {
      header = record.map((h) => normalise(h ?? ''));
      return;
    }
    if (record.length !== header.length) throw new CannotCheck(`${table}: a row has ${record.length} cells, the header ${header.length}`);
    yield new Map(header.map((h, i) => [h, record[i]]));
  }
  let pendingCr = false;
  for await (const chunk of text) {
    for (const ch of chunk) {
      if (pendingCr) {
        pendingCr = false;
        if (ch === '\n') continue;
      }
      if (quoted) {
        if (ch === '"') {
          quoted = false;
          afterQuote = true;
        } else cell += ch;
      } else if (ch === '"') {
        if (afterQuote) cell += '"';
        else if (cell !== '') throw new CannotCheck(`${table}: a quote inside an unquoted cell`);
        quoted = true;
        wasQuoted = true;
        afterQuote = false;
      } else if (ch === ',') endCell();
      else if (ch === '\r' || ch === '\n') {
        pendingCr = ch === '\r';
        yield* endRecord();
      } else {
        if (afterQuote) throw new CannotCheck(`${table}: text after a closing quote`);
        cell += ch;
      }
    }
  }
  if (quoted) throw new CannotCheck(`${table}: the file ends inside a quoted cell`);
  if (cell !== '' || cells.length > 0) yield* endRecord();
}

function column(row: Row, table: string, names: string[], required = true): unknown {
  for (const name of names) if (row.has(name)) return row.get(name);
  if (required) throw new CannotCheck(`${table} has no column ${names[0]}: this export cannot be used to check the books`);
  return undefined;
}

const text = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));
const integer = (v: unknown, what: string): number => {
  const n = typeof v === 'number' ? v : Number(text(v));
  if (!Number.isSafeInteger(n)) throw new CannotCheck(`${what} is not an integer: ${JSON.stringify(v)}`);
  return n;
};

/** Where the tables are: the export's base URL (or the graph's), or a folder. */
export class ExportSource {
  private constructor(
    private readonly base: string,
    private readonly kind: 'url' | 'folder',
    private readonly slug: string,
  ) {}

  static open(location: string, slug: string): ExportSource {
    if (/^https?:\/\//.test(location)) {
      const url = new URL(location);
      if (!url.pathname.includes('/export/')) url.pathname = url.pathname.replace(/\/?$/, `/export/v1/neighbourhoods/${encodeURIComponent(slug)}/`);
      else if (!url.pathname.endsWith('/')) url.pathname += '/';
      return new ExportSource(url.toString(), 'url', slug);
    }
    if (!existsSync(location)) throw new CannotCheck(`no export folder ${location}`);
    return new ExportSource(location, 'folder', slug);
  }

  get description(): string {
    return this.base;
  }

  private async table(name: string): Promise<Table> {
    if (this.kind === 'folder') {
      for (const file of [`${name}.jsonl`, `${this.slug}-${name}.jsonl`, `${name}.csv`, `${this.slug}-${name}.csv`]) {
        const path = join(this.base, file);
        if (!existsSync(path)) continue;
        const chunks = decodeUtf8(createReadStream(path));
        return { name, size: null, rows: file.endsWith('.csv') ? csvRows(chunks, name) : jsonLines(chunks, name) };
      }
      throw new CannotCheck(`the folder ${this.base} has no ${name}.jsonl or ${name}.csv`);
    }
    for (const format of ['jsonl', 'csv']) {
      const url = new URL(`${name}.${format}`, this.base).toString();
      let response: Response;
      try {
        response = await fetch(url);
      } catch (error) {
        throw new CannotCheck(`cannot reach ${url}: ${(error as Error).message}`);
      }
      if (response.status === 406 && format === 'jsonl') continue;
      if (!response.ok || !response.body) throw new CannotCheck(`${url} answered HTTP ${response.status}`);
      const header = response.headers.get('ledger-checkpoint-size');
      const chunks = decodeUtf8(response.body as unknown as AsyncIterable<Uint8Array>);
      return { name, size: header === null ? null : integer(header, `${url}: Ledger-Checkpoint-Size`), rows: format === 'csv' ? csvRows(chunks, name) : jsonLines(chunks, name) };
    }
    throw new CannotCheck(`the export at ${this.base} serves ${name} in neither JSON Lines nor CSV`);
  }

  /** The checkpoint the export stops at: `checkpoint.txt?size=` over HTTP, `checkpoint.txt` in a folder. */
  async checkpoint(size: number | null): Promise<string | null> {
    if (this.kind === 'folder') {
      const path = join(this.base, 'checkpoint.txt');
      return existsSync(path) ? new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path)) : null;
    }
    const url = new URL(size === null ? 'checkpoint.txt' : `checkpoint.txt?size=${size}`, this.base).toString();
    const response = await fetch(url).catch((error: Error) => {
      throw new CannotCheck(`cannot reach ${url}: ${error.message}`);
    });
    if (!response.ok) throw new CannotCheck(`${url} answered HTTP ${response.status}`);
    return response.text();
  }

  async leaves(): Promise<{ size: number | null; rows: AsyncGenerator<{ index: number; kind: string | null; data: string; hash: string | null }> }> {
    const t = await this.table('log_leaves');
    async function* rows() {
      for await (const row of t.rows) {
        const data = column(row, t.name, ['data']);
        yield {
          index: integer(column(row, t.name, ['leafindex', 'index']), 'log_leaves: leaf_index'),
          kind: text(column(row, t.name, ['kind'], false)),
          // JSON Lines may carry the data as the array itself rather than its text; the text is what is hashed.
          data: typeof data === 'string' ? data : JSON.stringify(data),
          hash: text(column(row, t.name, ['leafhash', 'hash'], false)),
        };
      }
    }
    return { size: t.size, rows: rows() };
  }

  /** Entries joined with their lines; both tables are in sequence order (lines by position within an entry). */
  async entries(neighbourhoodId: string): Promise<AsyncGenerator<Entry>> {
    const entries = await this.table('ledger_entries');
    const lines = await this.table('ledger_lines');
    const lineRows = lines.rows;
    let pending: Row | null | undefined;
    const next = async () => {
      if (pending === undefined) {
        const r = await lineRows.next();
        pending = r.done ? null : r.value;
      }
      return pending;
    };
    async function* joined(): AsyncGenerator<Entry> {
      for await (const row of entries.rows) {
        const e = entryOfRow(row, neighbourhoodId);
        const own: { position: number; line: Line }[] = [];
        for (let l = await next(); l; l = await next()) {
          const entryId = text(column(l, lines.name, ['entryid']));
          const sequence = column(l, lines.name, ['sequence'], false);
          if (entryId !== e.id) {
            if (sequence !== undefined && integer(sequence, 'ledger_lines: sequence') < e.sequence) {
              throw new CannotCheck(`ledger_lines has a line of entry ${entryId} (sequence ${String(sequence)}) that ledger_entries does not hold there`);
            }
            break;
          }
          own.push({ position: integer(column(l, lines.name, ['position']), 'ledger_lines: position'), line: lineOfRow(l, lines.name) });
          pending = undefined;
        }
        e.lines = own.sort((a, b) => a.position - b.position).map((x) => x.line);
        yield e;
      }
    }
    return joined();
  }

  async accounts(): Promise<{ size: number | null; rows: AsyncGenerator<ServedAccount> }> {
    const t = await this.table('accounts');
    async function* rows(): AsyncGenerator<ServedAccount> {
      for await (const row of t.rows) {
        const c = (names: string[], required = true) => column(row, t.name, names, required);
        yield {
          id: text(c(['id', 'accountid']))!,
          neighbourhoodId: text(c(['neighbourhoodid', 'neighbourhoodneighbourhoodid'], false)),
          code: text(c(['code']))!,
          name: text(c(['name']))!,
          type: text(c(['type']))!,
          unit: text(c(['unit']))!,
          projectId: text(c(['projectid', 'projectprojectid'])),
          taakveld: text(c(['taakveld'])),
          noOverdraft: c(['nooverdraft']) === true || c(['nooverdraft']) === 'true',
          version: integer(c(['version']), 'accounts: version'),
          leafIndex: integer(c(['leafindex']), 'accounts: leaf_index'),
          versionRecordedAt: text(c(['versionrecordedat']))!,
          balance: text(c(['balanceminor', 'balanceminorunits'], false)),
        };
      }
    }
    return { size: t.size, rows: rows() };
  }

  async budgetRevisions(): Promise<AsyncGenerator<ServedRevision>> {
    const t = await this.table('budget_revisions');
    async function* rows(): AsyncGenerator<ServedRevision> {
      for await (const row of t.rows) {
        const c = (names: string[]) => column(row, t.name, names);
        yield {
          budgetId: text(c(['budgetid', 'id']))!,
          revision: integer(c(['revision']), 'budget_revisions: revision'),
          leafIndex: integer(c(['leafindex']), 'budget_revisions: leaf_index'),
          projectId: text(c(['projectid', 'projectprojectid']))!,
          unit: text(c(['unit']))!,
          periodStart: text(c(['periodstart']))!,
          periodEnd: text(c(['periodend']))!,
          amount: text(c(['amountminor', 'amountminorunits', 'minorunits']))!,
          reason: text(c(['reason']))!,
          recordedAt: text(c(['recordedat']))!,
          recordedById: text(c(['recordedbyid', 'recordedbyrecordedbyid'])),
        };
      }
    }
    return rows();
  }
}

function entryOfRow(row: Row, neighbourhoodId: string): Entry {
  const c = (names: string[], required = true) => column(row, 'ledger_entries', names, required);
  return {
    id: text(c(['id', 'entryid']))!,
    neighbourhoodId: text(c(['neighbourhoodid', 'neighbourhoodneighbourhoodid'], false)) ?? neighbourhoodId,
    sequence: integer(c(['sequence']), 'ledger_entries: sequence'),
    bookingDate: text(c(['bookingdate']))!,
    recordedAt: text(c(['recordedat']))!,
    // A description is never empty (the ledger refuses that), so an empty CSV cell cannot hide one.
    description: text(c(['description'])) ?? '',
    projectId: text(c(['projectid', 'projectprojectid'])),
    memberId: text(c(['memberid', 'membermemberid'])),
    evidenceUrl: text(c(['evidenceurl'])),
    recordedById: text(c(['recordedbyid', 'recordedbyrecordedbyid', 'recordedby'])),
    reversesId: text(c(['reversesid', 'reversesreversesid', 'reverses'])),
    lines: [],
    previousHash: text(c(['previoushash']))!,
    hash: text(c(['hash']))!,
    leafIndex: integer(c(['leafindex']), 'ledger_entries: leaf_index'),
  };
}

function lineOfRow(row: Row, table: string): Line {
  const c = (names: string[]) => column(row, table, names);
  return {
    accountId: text(c(['accountid', 'accountaccountid']))!,
    unit: text(c(['unit', 'amountunit']))!,
    minorUnits: text(c(['minorunits', 'amountminorunits', 'amountminor']))!,
    counterpartyMemberId: text(c(['counterpartymemberid', 'counterpartymembermemberid', 'counterpartymemberid'])),
    counterpartyDomain: text(c(['counterpartydomain'])),
    counterpartyName: text(c(['counterpartyname'])),
  };
}
