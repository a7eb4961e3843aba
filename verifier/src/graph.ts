/**
 * Talking to the public graph: plain GraphQL over HTTP POST, within the gateway's limits (depth 12, 20 aliases,
 * 2,000 tokens, connections of at most 100, leaves at most 1,000 per call). Every query the verifier sends is in
 * this file, so it can be read against the schema in one place.
 */
import { CannotCheck } from './verdict';
import type { Entry } from './records';
import type { ServedAccount, ServedNeighbourhoodBudgetRevision, ServedProject, ServedRevision } from './books';

export const LEAVES_PER_CALL = 1000;
const ENTRIES_PER_PAGE = 50;
const DATES_PER_CALL = 10;
const PROJECTS_PER_CALL = 5;
const MEMBERS_PER_CALL = 20;
const MEMBERS_PER_PAGE = 100;

interface Money {
  minorUnits: string;
  unit: string;
}

export interface LogInfo {
  id: string;
  slug: string;
  origin: string;
  verifierKey: string;
  size: number;
  checkpointNote: string;
}

export interface ApiEntry {
  id: string;
  sequence: number;
  bookingDate: string;
  recordedAt: string;
  description: string;
  evidenceUrl: string | null;
  previousHash: string;
  hash: string;
  leafIndex: number | null;
  neighbourhood: { id: string } | null;
  project: { id: string } | null;
  member: { id: string } | null;
  recordedBy: { id: string } | null;
  reverses: { id: string } | null;
  lines: {
    position: number;
    account: { id: string };
    amount: Money;
    counterparty: { member: { id: string } | null; domain: string | null; name: string | null } | null;
  }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function entryFromApi(e: ApiEntry, neighbourhoodId: string): Entry {
  return {
    id: e.id,
    neighbourhoodId: e.neighbourhood?.id ?? neighbourhoodId,
    sequence: e.sequence,
    bookingDate: e.bookingDate,
    recordedAt: e.recordedAt,
    description: e.description,
    projectId: e.project?.id ?? null,
    memberId: e.member?.id ?? null,
    evidenceUrl: e.evidenceUrl,
    recordedById: e.recordedBy?.id ?? null,
    reversesId: e.reverses?.id ?? null,
    lines: [...e.lines]
      .sort((a, b) => a.position - b.position)
      .map((l) => ({
        accountId: l.account.id,
        unit: l.amount.unit,
        minorUnits: l.amount.minorUnits,
        counterpartyMemberId: l.counterparty?.member?.id ?? null,
        counterpartyDomain: l.counterparty?.domain ?? null,
        counterpartyName: l.counterparty?.name ?? null,
      })),
    previousHash: e.previousHash,
    hash: e.hash,
    leafIndex: e.leafIndex ?? null,
  };
}

const ENTRY_FIELDS = `id sequence bookingDate recordedAt description evidenceUrl previousHash hash leafIndex
  neighbourhood { id } project { id } member { id } recordedBy { id } reverses { id }
  lines { position account { id } amount { minorUnits unit } counterparty { member { id } domain name } }`;

export class Graph {
  constructor(readonly url: string) {}

  async request<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (error) {
      throw new CannotCheck(`cannot reach ${this.url}: ${(error as Error).message}`);
    }
    const text = await response.text();
    let body: { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      body = JSON.parse(text);
    } catch {
      throw new CannotCheck(`${this.url} answered HTTP ${response.status} without JSON`);
    }
    if (body.errors?.length) {
      throw new CannotCheck(`the graph refused a query: ${body.errors.map((e) => e.message + (e.extensions?.code ? ` (${e.extensions.code})` : '')).join('; ')}`);
    }
    if (!body.data) throw new CannotCheck(`${this.url} answered HTTP ${response.status} without data`);
    return body.data;
  }

  /** The log's identity and its newest checkpoint, freshly signed. */
  async log(neighbourhood: string): Promise<LogInfo> {
    const which = UUID.test(neighbourhood) ? { id: neighbourhood.toLowerCase() } : { slug: neighbourhood };
    const data = await this.request<{
      neighbourhood: { id: string; slug: string; transparencyLog: { origin: string; verifierKey: string; size: number; checkpoint: { note: string } | null } | null } | null;
    }>(
      `query Log($id: ID, $slug: String) { neighbourhood(id: $id, slug: $slug) { id slug
        transparencyLog { origin verifierKey size checkpoint(fresh: true) { note } } } }`,
      which,
    );
    const n = data.neighbourhood;
    if (!n) throw new CannotCheck(`no neighbourhood ${neighbourhood} at ${this.url}`);
    if (!n.transparencyLog) throw new CannotCheck(`the books of ${neighbourhood} are not open`);
    if (!n.transparencyLog.checkpoint) throw new CannotCheck(`the graph serves no checkpoint for ${neighbourhood}`);
    const t = n.transparencyLog;
    return { id: n.id, slug: n.slug, origin: t.origin, verifierKey: t.verifierKey, size: t.size, checkpointNote: t.checkpoint!.note };
  }

  private async transparencyLog<T>(id: string, selection: string, variables: Record<string, unknown>, declarations: string): Promise<T> {
    const data = await this.request<{ neighbourhood: { transparencyLog: T | null } | null }>(
      `query ($id: ID!${declarations}) { neighbourhood(id: $id) { transparencyLog { ${selection} } } }`,
      { id, ...variables },
    );
    if (!data.neighbourhood?.transparencyLog) throw new CannotCheck('the neighbourhood or its log disappeared while it was being checked');
    return data.neighbourhood.transparencyLog;
  }

  async consistencyProof(id: string, fromSize: number, toSize: number): Promise<string[]> {
    const t = await this.transparencyLog<{ consistencyProof: { hashes: string[] } | null }>(
      id,
      'consistencyProof(fromSize: $from, toSize: $to) { fromSize toSize hashes }',
      { from: fromSize, to: toSize },
      ', $from: Int!, $to: Int',
    );
    if (!t.consistencyProof) throw new CannotCheck(`the graph serves no consistency proof from size ${fromSize} to ${toSize}`);
    return t.consistencyProof.hashes;
  }

  async inclusionProof(id: string, leafIndex: number, treeSize: number): Promise<string[]> {
    const t = await this.transparencyLog<{ inclusionProof: { hashes: string[] } | null }>(
      id,
      'inclusionProof(leafIndex: $index, treeSize: $size) { hashes }',
      { index: leafIndex, size: treeSize },
      ', $index: Int!, $size: Int',
    );
    if (!t.inclusionProof) throw new CannotCheck(`the graph serves no inclusion proof of leaf ${leafIndex} in size ${treeSize}`);
    return t.inclusionProof.hashes;
  }

  async checkpointAt(id: string, size: number): Promise<string | null> {
    const t = await this.transparencyLog<{ checkpointAt: { note: string } | null }>(id, 'checkpointAt(size: $size) { note }', { size }, ', $size: Int!');
    return t.checkpointAt?.note ?? null;
  }

  /** Every verifier key the log has had (for a kept checkpoint signed before a key rotation). */
  /** The signed notes of the log's checkpoints, newest first, `pageSize` at a time, at most `limit`. */
  async *checkpointsNewestFirst(id: string, limit: number, pageSize = 100): AsyncGenerator<string> {
    let after: string | null = null;
    let seen = 0;
    while (seen < limit) {
      const t: { checkpoints: { edges: { node: { note: string }; cursor: string }[]; pageInfo: { hasNextPage: boolean } } } = await this.transparencyLog(
        id,
        'checkpoints(first: $first, after: $after) { edges { node { note } cursor } pageInfo { hasNextPage } }',
        { first: Math.min(pageSize, limit - seen), after },
        ', $first: Int!, $after: String',
      );
      for (const edge of t.checkpoints.edges) {
        seen++;
        yield edge.node.note;
      }
      const last = t.checkpoints.edges[t.checkpoints.edges.length - 1];
      if (!t.checkpoints.pageInfo.hasNextPage || !last) return;
      after = last.cursor;
    }
  }

  async verifierKeys(id: string): Promise<string[]> {
    const t = await this.transparencyLog<{ verifierKeys: string[] }>(id, 'verifierKeys', {}, '');
    return t.verifierKeys;
  }

  /** The public keys (base64) the ledger has retired: a newest checkpoint signed only by one of them is not the ledger's. */
  async retiredKeys(): Promise<string[]> {
    const data = await this.request<{ ledgerSigningKeys: { publicKey: string; retiredAt: string | null }[] }>(
      `query Keys { ledgerSigningKeys { publicKey retiredAt } }`,
      {},
    );
    return data.ledgerSigningKeys.filter((k) => k.retiredAt !== null).map((k) => k.publicKey);
  }

  /** The tree the graph serves now: its size and root (base64), read together. */
  async head(id: string): Promise<{ size: number; rootHash: string }> {
    return this.transparencyLog<{ size: number; rootHash: string }>(id, 'size rootHash', {}, '');
  }

  async size(id: string): Promise<number> {
    return (await this.transparencyLog<{ size: number }>(id, 'size', {}, '')).size;
  }

  /** Leaves [from, to), 1,000 per call. */
  async *leaves(id: string, from: number, to: number): AsyncGenerator<{ index: number; kind: string | null; data: string; hash: string | null }> {
    for (let next = from; next < to; ) {
      const first = Math.min(LEAVES_PER_CALL, to - next);
      const t = await this.transparencyLog<{ leaves: { index: number; kind: string; data: string; hash: string }[] }>(
        id,
        'leaves(fromIndex: $from, first: $first) { index kind data hash }',
        { from: next, first },
        ', $from: Int!, $first: Int!',
      );
      if (t.leaves.length === 0) throw new CannotCheck(`the graph serves no leaf at index ${next}, below the checkpoint's size ${to}`);
      for (const leaf of t.leaves.slice(0, to - next)) yield leaf;
      next += Math.min(t.leaves.length, to - next);
    }
  }

  /** Entries in sequence order after `afterSequence`, 50 a page, following the cursors. */
  async *entries(id: string, afterSequence: number): AsyncGenerator<ApiEntry> {
    let after: string | null = null;
    for (;;) {
      const vars: Record<string, unknown> = after === null ? { id, afterSequence } : { id, after };
      const data: { neighbourhood: { ledgerEntries: { edges: { node: ApiEntry }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null } | null } =
        await this.request(
          `query Entries($id: ID!, $after: String, $afterSequence: Int) { neighbourhood(id: $id) {
            ledgerEntries(first: ${ENTRIES_PER_PAGE}, after: $after, afterSequence: $afterSequence) {
              edges { node { ${ENTRY_FIELDS} } } pageInfo { hasNextPage endCursor } } } }`,
          vars,
        );
      const connection = data.neighbourhood?.ledgerEntries;
      if (!connection) throw new CannotCheck('the graph serves no entries for the neighbourhood');
      for (const { node } of connection.edges) yield node;
      if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) return;
      after = connection.pageInfo.endCursor;
    }
  }

  /** One entry by sequence, and the one before it (to check the link). */
  async entryAt(id: string, sequence: number): Promise<{ entry: ApiEntry | null; previous: ApiEntry | null }> {
    const data = await this.request<{ neighbourhood: { ledgerEntries: { edges: { node: ApiEntry }[] } | null } | null }>(
      `query Entry($id: ID!, $afterSequence: Int) { neighbourhood(id: $id) { ledgerEntries(first: 2, afterSequence: $afterSequence) { edges { node { ${ENTRY_FIELDS} } } } } }`,
      { id, afterSequence: Math.max(0, sequence - 2) },
    );
    const nodes = data.neighbourhood?.ledgerEntries?.edges.map((e) => e.node) ?? [];
    return { entry: nodes.find((n) => n.sequence === sequence) ?? null, previous: nodes.find((n) => n.sequence === sequence - 1) ?? null };
  }

  /** The chart of accounts with balances, the chain head and the tree size, in one request. */
  async accounts(id: string): Promise<{ size: number; chainHead: { sequence: number; hash: string } | null; accounts: ServedAccount[] }> {
    const data = await this.request<{
      neighbourhood: {
        chainHead: { sequence: number; hash: string } | null;
        transparencyLog: { size: number } | null;
        accounts: {
          id: string;
          code: string;
          name: string;
          type: string;
          unit: string;
          taakveld: string | null;
          noOverdraft: boolean;
          version: number;
          leafIndex: number;
          versionRecordedAt: string;
          versionRecordedBy: { id: string } | null;
          neighbourhood: { id: string } | null;
          project: { id: string } | null;
          balance: Money;
        }[] | null;
      } | null;
    }>(
      `query Accounts($id: ID!) { neighbourhood(id: $id) { chainHead { sequence hash } transparencyLog { size }
        accounts { id code name type unit taakveld noOverdraft version leafIndex versionRecordedAt versionRecordedBy { id } neighbourhood { id } project { id }
          balance { minorUnits unit } } } }`,
      { id },
    );
    const n = data.neighbourhood;
    if (!n?.transparencyLog || !n.accounts) throw new CannotCheck('the graph serves no chart of accounts for the neighbourhood');
    return {
      size: n.transparencyLog.size,
      chainHead: n.chainHead,
      accounts: n.accounts.map((a) => ({
        id: a.id,
        neighbourhoodId: a.neighbourhood?.id ?? null,
        code: a.code,
        name: a.name,
        type: a.type,
        unit: a.unit,
        projectId: a.project?.id ?? null,
        taakveld: a.taakveld,
        noOverdraft: a.noOverdraft,
        version: a.version,
        leafIndex: a.leafIndex,
        versionRecordedAt: a.versionRecordedAt,
        versionRecordedById: a.versionRecordedBy?.id ?? null,
        balance: a.balance.minorUnits,
      })),
    };
  }

  /** Every account's balance at the end of each date: date → account id → minor units. */
  async balancesAsOf(id: string, dates: string[]): Promise<Map<string, Map<string, string>>> {
    const out = new Map<string, Map<string, string>>();
    for (let i = 0; i < dates.length; i += DATES_PER_CALL) {
      const batch = dates.slice(i, i + DATES_PER_CALL);
      const declarations = batch.map((_, j) => `, $d${j}: Date!`).join('');
      const fields = batch.map((_, j) => `d${j}: balance(asOf: $d${j}) { minorUnits }`).join(' ');
      const data = await this.request<{ neighbourhood: { accounts: ({ id: string } & Record<string, { minorUnits: string }>)[] | null } | null }>(
        `query Dated($id: ID!${declarations}) { neighbourhood(id: $id) { accounts { id ${fields} } } }`,
        { id, ...Object.fromEntries(batch.map((d, j) => [`d${j}`, d])) },
      );
      const accounts = data.neighbourhood?.accounts ?? [];
      batch.forEach((date, j) => out.set(date, new Map(accounts.map((a) => [a.id as string, a[`d${j}`].minorUnits]))));
    }
    return out;
  }

  /** Every revision of every budget of the neighbourhood, as the graph serves them. */
  async neighbourhoodBudgets(id: string): Promise<ServedNeighbourhoodBudgetRevision[]> {
    type Served = {
      id: string;
      year: number;
      revisions: {
        revision: number;
        leafIndex: number;
        reason: string;
        recordedAt: string;
        recordedBy: { id: string } | null;
        lines: { account: { id: string } | null; taakveld: string | null; type: string; amount: Money }[];
      }[];
    };
    const data = await this.request<{ neighbourhood: { budgets: Served[] } | null }>(
      `query NeighbourhoodBudgets($id: ID!) { neighbourhood(id: $id) { budgets { id year
        revisions { revision leafIndex reason recordedAt recordedBy { id } lines { account { id } taakveld type amount { minorUnits unit } } } } } }`,
      { id },
    );
    return (data.neighbourhood?.budgets ?? []).flatMap((b) =>
      b.revisions.map((r) => ({
        budgetId: b.id,
        year: b.year,
        revision: r.revision,
        leafIndex: r.leafIndex,
        lines: r.lines.map((l) => ({ accountId: l.account?.id ?? null, taakveld: l.taakveld, type: l.type, unit: l.amount.unit, amount: l.amount.minorUnits })),
        reason: r.reason,
        recordedAt: r.recordedAt,
        recordedById: r.recordedBy?.id ?? null,
      })),
    );
  }

  /** Projects' finances and budgets; a project the graph does not know is left out. */
  async projects(ids: string[]): Promise<{ projects: ServedProject[]; revisions: ServedRevision[]; missing: string[] }> {
    const projects: ServedProject[] = [];
    const revisions: ServedRevision[] = [];
    const missing: string[] = [];
    type Finances = {
      spent: Money;
      received: Money;
      volunteerHours: Money;
      budgets: {
        id: string;
        project: { id: string } | null;
        unit: string;
        periodStart: string;
        periodEnd: string;
        revisions: { revision: number; leafIndex: number; amount: Money; reason: string; recordedAt: string; recordedBy: { id: string } | null }[];
      }[];
      budgetAgainstActuals: { budget: { id: string }; actual: Money }[];
      expensesByBookingDate: { bookingDates: string[]; spentMinorUnits: string[]; volunteerHoursMinorUnits: string[] };
    };
    for (let i = 0; i < ids.length; i += PROJECTS_PER_CALL) {
      const batch = ids.slice(i, i + PROJECTS_PER_CALL);
      const declarations = batch.map((_, j) => `$p${j}: ID!`).join(', ');
      const fields = batch
        .map(
          (_, j) => `p${j}: project(id: $p${j}) { id finances { spent { minorUnits unit } received { minorUnits unit } volunteerHours { minorUnits unit }
            budgets { id project { id } unit periodStart periodEnd revisions { revision leafIndex amount { minorUnits unit } reason recordedAt recordedBy { id } } }
            budgetAgainstActuals { budget { id } actual { minorUnits unit } }
            expensesByBookingDate { bookingDates spentMinorUnits volunteerHoursMinorUnits } } }`,
        )
        .join(' ');
      const data = await this.request<Record<string, { id: string; finances: Finances | null } | null>>(
        `query Projects(${declarations}) { ${fields} }`,
        Object.fromEntries(batch.map((p, j) => [`p${j}`, p])),
      );
      batch.forEach((projectId, j) => {
        const f = data[`p${j}`]?.finances;
        if (!f) return void missing.push(projectId);
        projects.push({
          id: projectId,
          spent: f.spent.minorUnits,
          received: f.received.minorUnits,
          volunteerHours: f.volunteerHours.minorUnits,
          actuals: new Map(f.budgetAgainstActuals.map((b) => [b.budget.id, b.actual.minorUnits])),
          expenseDays: f.expensesByBookingDate.bookingDates.map((date, d) => ({
            date,
            spent: f.expensesByBookingDate.spentMinorUnits[d],
            hours: f.expensesByBookingDate.volunteerHoursMinorUnits[d],
          })),
        });
        for (const b of f.budgets) {
          for (const r of b.revisions) {
            revisions.push({
              budgetId: b.id,
              revision: r.revision,
              leafIndex: r.leafIndex,
              projectId: b.project?.id ?? projectId,
              unit: b.unit,
              periodStart: b.periodStart,
              periodEnd: b.periodEnd,
              amount: r.amount.minorUnits,
              reason: r.reason,
              recordedAt: r.recordedAt,
              recordedById: r.recordedBy?.id ?? null,
            });
          }
        }
      });
    }
    return { projects, revisions, missing };
  }

  /** Members' volunteer hours: member id → minor units, or null when the graph serves none. */
  async memberHours(ids: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    for (let i = 0; i < ids.length; i += MEMBERS_PER_CALL) {
      const batch = ids.slice(i, i + MEMBERS_PER_CALL);
      const declarations = batch.map((_, j) => `$m${j}: ID!`).join(', ');
      const fields = batch.map((_, j) => `m${j}: member(id: $m${j}) { id volunteerHours { minorUnits unit } }`).join(' ');
      const data = await this.request<Record<string, { volunteerHours: Money | null } | null>>(
        `query Members(${declarations}) { ${fields} }`,
        Object.fromEntries(batch.map((m, j) => [`m${j}`, m])),
      );
      batch.forEach((memberId, j) => out.set(memberId, data[`m${j}`]?.volunteerHours?.minorUnits ?? null));
    }
    return out;
  }

  /**
   * Every member of the neighbourhood with the volunteer hours the graph serves (null when it serves none), 100 a page:
   * hours are also served for members whom no entry names, and those must be zero.
   */
  async neighbourhoodMembers(id: string): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    let after: string | null = null;
    for (;;) {
      const data: { neighbourhood: { members: { edges: { node: { id: string; volunteerHours: Money | null } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null } =
        await this.request(
          `query NeighbourhoodMembers($id: ID!, $after: String) { neighbourhood(id: $id) { members(first: ${MEMBERS_PER_PAGE}, after: $after) {
            edges { node { id volunteerHours { minorUnits unit } } } pageInfo { hasNextPage endCursor } } } }`,
          { id, after },
        );
      const connection = data.neighbourhood?.members;
      if (!connection) throw new CannotCheck('the graph serves no members for the neighbourhood');
      for (const { node } of connection.edges) out.set(node.id, node.volunteerHours?.minorUnits ?? null);
      if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) return out;
      after = connection.pageInfo.endCursor;
    }
  }

  /** Submits a witness's cosignature; returns the ledger's refusal, or null when it was accepted. */
  async addCosignature(neighbourhoodId: string, treeSize: number, cosignature: string): Promise<string | null> {
    const data = await this.request<{ addCosignature: { __typename: string; code?: string; message?: string } }>(
      `mutation Cosign($input: AddCosignatureInput!) { addCosignature(input: $input) { __typename ... on LedgerError { code message } } }`,
      { input: { neighbourhoodId, treeSize, signatureLine: cosignature } },
    );
    const result = data.addCosignature;
    return result.code ? `${result.code}: ${result.message ?? result.__typename}` : null;
  }
}
