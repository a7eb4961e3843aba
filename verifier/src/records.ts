/**
 * The records of docs/ledger-hash.md: the entry chain (`dbwe-entry-v1`) and the four leaf formats, read and
 * checked field by field, so a leaf that does not follow its format is named rather than half understood.
 */
import { canonical, type Json } from './canonical';
import { sha256 } from './tree';

export const GENESIS_HASH = '0'.repeat(64);

export interface Line {
  accountId: string;
  unit: string;
  /** Signed minor units as a decimal string. */
  minorUnits: string;
  counterpartyMemberId: string | null;
  counterpartyDomain: string | null;
  counterpartyName: string | null;
}

export interface Entry {
  id: string;
  neighbourhoodId: string;
  sequence: number;
  bookingDate: string;
  recordedAt: string;
  description: string;
  projectId: string | null;
  memberId: string | null;
  evidenceUrl: string | null;
  recordedById: string | null;
  reversesId: string | null;
  /** In position order. */
  lines: Line[];
  previousHash: string;
  hash: string;
  /** Where the entry's leaf sits, as served (null when the source does not say). */
  leafIndex: number | null;
}

export interface AccountVersion {
  accountId: string;
  version: number;
  neighbourhoodId: string;
  code: string;
  name: string;
  type: string;
  unit: string;
  projectId: string | null;
  taakveld: string | null;
  noOverdraft: boolean;
  versionRecordedAt: string;
  recordedById: string | null;
}

export interface BudgetRevision {
  budgetId: string;
  revision: number;
  neighbourhoodId: string;
  projectId: string;
  unit: string;
  periodStart: string;
  periodEnd: string;
  amount: string;
  reason: string;
  recordedAt: string;
  recordedById: string | null;
}

/** A revision of a neighbourhood's budget for a year: every line of the budget as it then stood. */
export interface NeighbourhoodBudgetRevision {
  budgetId: string;
  revision: number;
  neighbourhoodId: string;
  year: number;
  lines: { accountId: string | null; taakveld: string | null; type: string; unit: string; amount: string }[];
  reason: string;
  recordedAt: string;
  recordedById: string | null;
}

export interface AccountChange {
  accountId: string;
  change: number;
  neighbourhoodId: string;
  effectiveFrom: string;
  oldName: string;
  newName: string;
  oldTaakveld: string | null;
  newTaakveld: string | null;
  closes: boolean;
  reason: string;
  recordedAt: string;
  recordedById: string | null;
}

export type Leaf =
  | { kind: 'ENTRY'; sequence: number; hash: string }
  | { kind: 'NEIGHBOURHOOD_BUDGET_REVISION'; budget: NeighbourhoodBudgetRevision }
  | { kind: 'ACCOUNT_CHANGE'; change: AccountChange }
  | { kind: 'ACCOUNT'; account: AccountVersion }
  | { kind: 'BUDGET_REVISION'; budget: BudgetRevision }
  | { kind: 'UNKNOWN'; format: string };

export const ACCOUNT_TYPES = ['ASSET', 'LIABILITY', 'EQUITY', 'INCOME', 'EXPENSE'];
export const UNITS = ['EUR', 'HOUR'];
const DOMAINS = ['CITIZEN', 'GOVERNMENT', 'ENTREPRENEUR', 'EDUCATION_SCIENCE'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MINOR = /^(0|-?[1-9][0-9]*)$/;
const HEX64 = /^[0-9a-f]{64}$/;
const TAAKVELD = /^[0-9]\.[0-9]{1,2}(\.[0-9])?$/;

export function entryArray(e: Entry): Json {
  return [
    'dbwe-entry-v1',
    e.id,
    e.neighbourhoodId,
    e.sequence,
    e.bookingDate,
    e.recordedAt,
    e.description,
    e.projectId,
    e.memberId,
    e.evidenceUrl,
    e.recordedById,
    e.reversesId,
    e.lines.map((l) => [l.accountId, l.unit, l.minorUnits, l.counterpartyMemberId, l.counterpartyDomain, l.counterpartyName]),
  ];
}

export function entryHash(previousHash: string, e: Entry): string {
  return sha256(Buffer.from(previousHash + '\n' + canonical(entryArray(e)), 'utf8')).toString('hex');
}

export function entryLeafData(sequence: number, hash: string): string {
  return canonical(['dbwe-entry-leaf-v1', sequence, hash]);
}

export function accountLeafData(a: AccountVersion): string {
  return canonical(['dbwe-account-v1', a.accountId, a.version, a.neighbourhoodId, a.code, a.name, a.type, a.unit, a.projectId, a.taakveld, a.noOverdraft, a.versionRecordedAt, a.recordedById]);
}

export function accountChangeLeafData(c: AccountChange): string {
  return canonical(['dbwe-account-change-v1', c.accountId, c.change, c.neighbourhoodId, c.effectiveFrom, c.oldName, c.newName, c.oldTaakveld, c.newTaakveld, c.closes, c.reason, c.recordedAt, c.recordedById]);
}

export function budgetLeafData(b: BudgetRevision): string {
  return canonical(['dbwe-budget-v1', b.budgetId, b.revision, b.neighbourhoodId, b.projectId, b.unit, b.periodStart, b.periodEnd, b.amount, b.reason, b.recordedAt, b.recordedById]);
}

export function neighbourhoodBudgetLeafData(b: NeighbourhoodBudgetRevision): string {
  return canonical([
    'dbwe-neighbourhood-budget-v1', b.budgetId, b.revision, b.neighbourhoodId, b.year,
    b.lines.map((l) => [l.accountId, l.taakveld, l.type, l.unit, l.amount]), b.reason, b.recordedAt, b.recordedById,
  ]);
}

/** What is wrong with an entry's own fields (null when nothing), before any hash is compared. */
export function entryShapeProblem(e: Entry): string | null {
  if (!UUID.test(e.id)) return `bad entry id ${e.id}`;
  if (!DATE.test(e.bookingDate)) return `bad booking date ${e.bookingDate}`;
  if (!TIME.test(e.recordedAt)) return `bad recording time ${e.recordedAt}`;
  if (!HEX64.test(e.hash) || !HEX64.test(e.previousHash)) return 'a hash is not 64 lower-case hex digits';
  if (e.lines.length < 2) return `${e.lines.length} line(s); an entry has at least two`;
  const sums = new Map<string, bigint>();
  for (const [i, l] of e.lines.entries()) {
    if (!UNITS.includes(l.unit)) return `line ${i}: unknown unit ${l.unit}`;
    if (!MINOR.test(l.minorUnits)) return `line ${i}: amount ${l.minorUnits} is not signed minor units`;
    if (l.counterpartyDomain !== null && !DOMAINS.includes(l.counterpartyDomain)) return `line ${i}: unknown domain ${l.counterpartyDomain}`;
    sums.set(l.unit, (sums.get(l.unit) ?? 0n) + BigInt(l.minorUnits));
  }
  for (const [unit, sum] of sums) if (sum !== 0n) return `the lines do not balance in ${unit} (off by ${sum})`;
  return null;
}

class LeafFormatError extends Error {}

function field(data: Json[], i: number, what: string, test: (v: Json) => boolean): Json {
  if (!test(data[i])) throw new LeafFormatError(`element ${i} (${what}) is ${JSON.stringify(data[i])}`);
  return data[i];
}
const str = (re?: RegExp) => (v: Json) => typeof v === 'string' && (!re || re.test(v));
const strOrNull = (re?: RegExp) => (v: Json) => v === null || str(re)(v);
const positive = (v: Json) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
const oneOf = (values: string[]) => (v: Json) => typeof v === 'string' && values.includes(v);

/**
 * Reads a leaf's data. Returns the leaf, or a problem when the data is not canonical JSON or does not follow
 * its format. A format this verifier does not know is returned as UNKNOWN: the caller must not call the books
 * valid on it.
 */
export function readLeaf(data: string): Leaf | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { problem: 'the data is not JSON' };
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string') return { problem: 'the data is not an array that starts with its format' };
  const d = parsed as Json[];
  try {
    if (canonical(d) !== data) return { problem: 'the data is not in the canonical form' };
  } catch {
    return { problem: 'the data holds a number that is not a safe integer' };
  }
  try {
    switch (d[0]) {
      case 'dbwe-entry-leaf-v1':
        if (d.length !== 3) throw new LeafFormatError(`${d.length} elements, not 3`);
        return { kind: 'ENTRY', sequence: field(d, 1, 'sequence', positive) as number, hash: field(d, 2, 'hash', str(HEX64)) as string };
      case 'dbwe-account-v1':
        if (d.length !== 13) throw new LeafFormatError(`${d.length} elements, not 13`);
        return {
          kind: 'ACCOUNT',
          account: {
            accountId: field(d, 1, 'account id', str(UUID)) as string,
            version: field(d, 2, 'version', positive) as number,
            neighbourhoodId: field(d, 3, 'neighbourhood id', str(UUID)) as string,
            code: field(d, 4, 'code', str()) as string,
            name: field(d, 5, 'name', str()) as string,
            type: field(d, 6, 'type', oneOf(ACCOUNT_TYPES)) as string,
            unit: field(d, 7, 'unit', oneOf(UNITS)) as string,
            projectId: field(d, 8, 'project id', strOrNull(UUID)) as string | null,
            taakveld: field(d, 9, 'taakveld', strOrNull()) as string | null,
            noOverdraft: field(d, 10, 'no overdraft', (v) => typeof v === 'boolean') as boolean,
            versionRecordedAt: field(d, 11, 'recorded at', str(TIME)) as string,
            recordedById: field(d, 12, 'recorded by', strOrNull(UUID)) as string | null,
          },
        };
      case 'dbwe-budget-v1':
        if (d.length !== 12) throw new LeafFormatError(`${d.length} elements, not 12`);
        return {
          kind: 'BUDGET_REVISION',
          budget: {
            budgetId: field(d, 1, 'budget id', str(UUID)) as string,
            revision: field(d, 2, 'revision', positive) as number,
            neighbourhoodId: field(d, 3, 'neighbourhood id', str(UUID)) as string,
            projectId: field(d, 4, 'project id', str(UUID)) as string,
            unit: field(d, 5, 'unit', oneOf(UNITS)) as string,
            periodStart: field(d, 6, 'period start', str(DATE)) as string,
            periodEnd: field(d, 7, 'period end', str(DATE)) as string,
            amount: field(d, 8, 'amount', str(MINOR)) as string,
            reason: field(d, 9, 'reason', str()) as string,
            recordedAt: field(d, 10, 'recorded at', str(TIME)) as string,
            recordedById: field(d, 11, 'recorded by', strOrNull(UUID)) as string | null,
          },
        };
      case 'dbwe-neighbourhood-budget-v1': {
        if (d.length !== 9) throw new LeafFormatError(`${d.length} elements, not 9`);
        const lines = field(d, 5, 'lines', (v) => Array.isArray(v) && v.length >= 1) as Json[][];
        return {
          kind: 'NEIGHBOURHOOD_BUDGET_REVISION',
          budget: {
            budgetId: field(d, 1, 'budget id', str(UUID)) as string,
            revision: field(d, 2, 'revision', positive) as number,
            neighbourhoodId: field(d, 3, 'neighbourhood id', str(UUID)) as string,
            year: field(d, 4, 'year', positive) as number,
            lines: lines.map((line, i) => {
              if (!Array.isArray(line) || line.length !== 5) throw new LeafFormatError(`line ${i} is not an array of 5 elements`);
              const l = {
                accountId: field(line, 0, `line ${i} account id`, strOrNull(UUID)) as string | null,
                taakveld: field(line, 1, `line ${i} taakveld`, strOrNull(TAAKVELD)) as string | null,
                type: field(line, 2, `line ${i} type`, oneOf(['INCOME', 'EXPENSE'])) as string,
                unit: field(line, 3, `line ${i} unit`, oneOf(UNITS)) as string,
                amount: field(line, 4, `line ${i} amount`, str(/^(0|[1-9][0-9]*)$/)) as string,
              };
              if ((l.accountId === null) === (l.taakveld === null)) throw new LeafFormatError(`line ${i} names neither or both of an account and a taakveld`);
              return l;
            }),
            reason: field(d, 6, 'reason', str()) as string,
            recordedAt: field(d, 7, 'recorded at', str(TIME)) as string,
            recordedById: field(d, 8, 'recorded by', strOrNull(UUID)) as string | null,
          },
        };
      }
      case 'dbwe-account-change-v1':
        if (d.length !== 13) throw new LeafFormatError(`${d.length} elements, not 13`);
        return {
          kind: 'ACCOUNT_CHANGE',
          change: {
            accountId: field(d, 1, 'account id', str(UUID)) as string,
            change: field(d, 2, 'change', positive) as number,
            neighbourhoodId: field(d, 3, 'neighbourhood id', str(UUID)) as string,
            effectiveFrom: field(d, 4, 'effective from', str(DATE)) as string,
            oldName: field(d, 5, 'old name', str()) as string,
            newName: field(d, 6, 'new name', str()) as string,
            oldTaakveld: field(d, 7, 'old taakveld', strOrNull()) as string | null,
            newTaakveld: field(d, 8, 'new taakveld', strOrNull()) as string | null,
            closes: field(d, 9, 'closes', (v) => typeof v === 'boolean') as boolean,
            reason: field(d, 10, 'reason', str()) as string,
            recordedAt: field(d, 11, 'recorded at', str(TIME)) as string,
            recordedById: field(d, 12, 'recorded by', strOrNull(UUID)) as string | null,
          },
        };
      default:
        return { kind: 'UNKNOWN', format: d[0] as string };
    }
  } catch (error) {
    if (error instanceof LeafFormatError) return { problem: `${d[0]}: ${error.message}` };
    throw error;
  }
}
