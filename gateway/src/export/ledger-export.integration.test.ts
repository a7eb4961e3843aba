import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stableId } from '@dbwe/platform';
import { checkChainLink, GENESIS_HASH, type HashableEntry } from '../../../subgraphs/ledger/src/entries/entry-hash';
import { startGatewayFor, startPlatform, type RunningPlatform } from '../../../test/platform';
import type { Gateway } from '../gateway';
import { parseCsv } from '../../../test/csv';

/*
 * The exports of the verifiable books (docs/ledger-hash.md, "Getting the
 * data"): with the Spijkerkwartier demo books plus one entry posted here (a
 * member counterparty and an outside one, recorded now, so its milliseconds
 * are whatever the clock said), a third party who downloads ledger_entries,
 * ledger_lines and log_leaves recomputes every entry's chain hash and the
 * tree's root from those files alone, and finds that root in the checkpoint
 * the download names, signed with a key from /.well-known/dbwe-ledger-keys.
 * An entry posted while an export runs is not in it.
 */
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const steward = stableId('member:Penningmeester Pieter');
const account = (code: string) => stableId(`account:${spijkerkwartier}:${code}`);
const EXPORTS = '/export/v1/neighbourhoods/spijkerkwartier';

/** The data package's missing value: an empty CSV cell is null. */
const orNull = (value: string) => (value === '' ? null : value);

/** RFC 9162 Merkle Tree Hash over the leaves' data, written out plainly (a second reading of the spec's "The tree"). */
function merkleRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return createHash('sha256').update(Buffer.of(1)).update(merkleRoot(leaves.slice(0, k))).update(merkleRoot(leaves.slice(k))).digest();
}
const leafHash = (data: string) => createHash('sha256').update(Buffer.of(0)).update(data, 'utf8').digest();

/** The entries of ledger_entries and ledger_lines rows, as the hash reads them (docs/ledger-hash.md, "The entry chain"). */
function entriesFromRows(entryRows: Record<string, unknown>[], lineRows: Record<string, unknown>[], text: (v: unknown) => string | null) {
  return entryRows.map((e) => ({
    id: text(e.id)!,
    neighbourhoodId: text(e.neighbourhood_neighbourhoodId)!,
    sequence: Number(e.sequence),
    bookingDate: text(e.bookingDate)!,
    recordedAt: text(e.recordedAt)!,
    description: text(e.description)!,
    projectId: text(e.project_projectId),
    memberId: text(e.member_memberId),
    evidenceUrl: text(e.evidenceUrl),
    recordedBy: text(e.recordedBy_recordedById),
    reversesId: text(e.reverses_reversesId),
    lines: lineRows
      .filter((l) => l.entryId === e.id)
      .sort((a, b) => Number(a.position) - Number(b.position))
      .map((l) => ({
        accountId: text(l.account_accountId)!,
        unit: text(l.amount_unit)!,
        minorUnits: text(l.amount_minorUnits)!,
        counterpartyMemberId: text(l.counterparty_member_id),
        counterpartyDomain: text(l.counterparty_domain),
        counterpartyName: text(l.counterparty_name),
      })),
    previousHash: text(e.previousHash)!,
    hash: text(e.hash)!,
    leafIndex: Number(e.leafIndex),
  })) satisfies (HashableEntry & { previousHash: string; hash: string })[];
}

/** Forwards to the ledger subgraph; holds the answer to the first checkpoint(fresh: true) until `whileHeld` has run. */
function holdingCheckpoints(target: string): Promise<{ server: Server; holdNext(whileHeld: () => Promise<void>): void }> {
  const url = new URL(target);
  let pending: (() => Promise<void>) | null = null;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const held = pending && /checkpoint\(fresh:\s*true\)/.test(body.toString()) ? pending : null;
      if (held) pending = null;
      const upstream = request({ host: url.hostname, port: url.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        const answerChunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
        answer.on('end', async () => {
          if (held) await held();
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(answerChunks));
        });
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        holdNext: (whileHeld) => {
          pending = whileHeld;
        },
      }),
    ),
  );
}

/** A C2SP verifier key `<name>+<hex key ID>+<base64(type || public key)>`, split at its first two plus signs. */
function parseVerifierKey(vkey: string) {
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  const raw = Buffer.from(vkey.slice(second + 1), 'base64');
  return { name: vkey.slice(0, first), id: vkey.slice(first + 1, second), type: raw[0], publicKey: raw.subarray(1) };
}

const ed25519Spki = (raw: Buffer) => createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' });

describe('exports of the verifiable books', () => {
  let platform: RunningPlatform;
  let get: (path: string, headers?: Record<string, string>) => Promise<Response>;
  let token: string;
  let postedId: string;

  const post = async (key: string, description: string) => {
    const { body } = await platform.query<any>(
      `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename ... on PostEntrySuccess { entry { id sequence leafIndex recordedAt } } } }`,
      {
        input: {
          neighbourhoodId: spijkerkwartier,
          idempotencyKey: key,
          bookingDate: '2026-11-24',
          description,
          lines: [
            { accountId: account('4200'), side: 'DEBIT', amount: '31.70', unit: 'EUR', counterparty: { memberId: stableId('member:Fietsende Fenna'), domain: 'CITIZEN' } },
            { accountId: account('4900'), side: 'DEBIT', amount: '8.30', unit: 'EUR', counterparty: { name: 'Drukkerij "Het Oosten", Arnhem' } },
            { accountId: account('1000'), side: 'CREDIT', amount: '40.00', unit: 'EUR' },
          ],
        },
      },
      { token },
    );
    expect(body.data!.postEntry.__typename).toBe('PostEntrySuccess');
    return body.data!.postEntry.entry as { id: string; sequence: number; leafIndex: number; recordedAt: string };
  };
  const graph = async (query: string) => {
    const { body } = await platform.query<any>(query);
    expect(body.errors).toBeUndefined();
    return body.data!;
  };
  const download = async (path: string) => {
    const response = await get(`${EXPORTS}/${path}`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const size = response.headers.get('ledger-checkpoint-size');
    return { response, text, size: size === null ? null : Number(size) };
  };
  const csv = async (table: string, query = '') => {
    const { text, size } = await download(`${table}.csv${query}`);
    return { rows: parseCsv(text), size: size! };
  };
  const jsonl = async (table: string) => {
    const { text, size } = await download(`${table}.jsonl`);
    return { rows: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), size: size! };
  };

  beforeAll(async () => {
    platform = await startPlatform();
    get = (path, headers = {}) => fetch(new URL(path, platform.gatewayUrl), { headers });
    token = await platform.token(steward, [{ role: 'steward', neighbourhood: spijkerkwartier }]);
    postedId = (await post('ledger-export-counterparties', 'Flyers en koffie buurtschouw')).id;
    // Exports are cut at a fresh checkpoint, and the ledger signs at most one a second.
    await new Promise((r) => setTimeout(r, 1100));
  });
  afterAll(() => platform?.stop());

  it('exports every column the hashes need, equal to what the graph serves, milliseconds and all', async () => {
    const entries = await csv('ledger_entries');
    const lines = await csv('ledger_lines');
    const leaves = await csv('log_leaves');
    const accounts = await csv('accounts');
    const budgets = await csv('budget_revisions');
    // In parts: the whole would exceed the graph's query cost limit.
    const parts = await Promise.all(
      [
        `ledgerEntries(first: 100) { totalCount edges { node { id neighbourhood { id } recordedAt leafIndex
          lines { position counterparty { member { id } domain name } } } } }`,
        'accounts { id neighbourhood { id } version leafIndex versionRecordedAt versionRecordedBy { id } balance { minorUnits } }',
        `projects(first: 20) { pageInfo { hasNextPage } edges { node { id finances { budgets { id unit periodStart periodEnd
          revisions { revision amount { minorUnits } reason recordedAt recordedBy { id } leafIndex } } } } } }`,
        'transparencyLog { size leaves(fromIndex: 0, first: 1000) { index kind data hash } }',
      ].map((fields) => graph(`{ neighbourhood(slug: "spijkerkwartier") { ${fields} } }`)),
    );
    const n = Object.assign({}, ...parts.map((p) => p.neighbourhood));
    // Nothing was posted since the downloads: each is the whole tree.
    for (const table of [entries, lines, leaves]) expect(table.size).toBe(n.transparencyLog.size);
    expect(n.ledgerEntries.totalCount).toBeLessThan(100);
    expect(n.projects.pageInfo.hasNextPage).toBe(false);

    const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
    expect(entries.rows.map((e) => [e.id, e.neighbourhood_neighbourhoodId, e.recordedAt, e.leafIndex])).toEqual(
      n.ledgerEntries.edges.map(({ node: e }: any) => [e.id, e.neighbourhood.id, e.recordedAt, cell(e.leafIndex)]),
    );
    expect(lines.rows.map((l) => [l.entryId, l.position, l.counterparty_member_id, l.counterparty_domain, l.counterparty_name, l.leafIndex])).toEqual(
      n.ledgerEntries.edges.flatMap(({ node: e }: any) =>
        e.lines.map((l: any) => [e.id, cell(l.position), cell(l.counterparty?.member?.id), cell(l.counterparty?.domain), cell(l.counterparty?.name), cell(e.leafIndex)]),
      ),
    );
    // The entry posted here has both kinds of counterparty, with the CSV quoting the outside party's name.
    expect(lines.rows.filter((l) => l.entryId === postedId).map((l) => [l.counterparty_member_id, l.counterparty_domain, l.counterparty_name])).toEqual([
      [stableId('member:Fietsende Fenna'), 'CITIZEN', ''],
      ['', '', 'Drukkerij "Het Oosten", Arnhem'],
      ['', '', ''],
    ]);
    expect(accounts.rows.map((a) => [a.id, a.neighbourhood_neighbourhoodId, a.version, a.leafIndex, a.versionRecordedAt, a.versionRecordedBy_versionRecordedById, a.balance_minorUnits])).toEqual(
      n.accounts.map((a: any) => [a.id, a.neighbourhood.id, cell(a.version), cell(a.leafIndex), a.versionRecordedAt, cell(a.versionRecordedBy?.id), a.balance.minorUnits]),
    );
    expect(accounts.rows.some((a) => a.versionRecordedBy_versionRecordedById !== '')).toBe(true);
    const graphRevisions = n.projects.edges.flatMap(({ node: p }: any) =>
      (p.finances?.budgets ?? []).flatMap((b: any) =>
        b.revisions.map((r: any) => [p.id, b.id, b.unit, b.periodStart, b.periodEnd, cell(r.revision), r.amount.minorUnits, r.reason, r.recordedAt, cell(r.recordedBy?.id), cell(r.leafIndex)]),
      ),
    );
    expect(graphRevisions.length).toBeGreaterThan(0);
    expect(
      budgets.rows.map((r) => [r.projectId, r.budgetId, r.unit, r.periodStart, r.periodEnd, r.revision, r.amount_minorUnits, r.reason, r.recordedAt, r.recordedBy_recordedById, r.leafIndex]),
    ).toEqual(graphRevisions);
    expect(leaves.rows.map((l) => [l.leafIndex, l.kind, l.data, l.leafHash])).toEqual(n.transparencyLog.leaves.map((l: any) => [cell(l.index), l.kind, l.data, l.hash]));

    // Times are exactly the API's, three decimals even when they are zeros; the posted entry's are the clock's.
    const times = [...entries.rows.map((e) => e.recordedAt), ...accounts.rows.map((a) => a.versionRecordedAt), ...budgets.rows.map((r) => r.recordedAt)];
    for (const time of times) expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // Each account's and revision's leaf holds the very fields the export has.
    const leafAt = new Map(leaves.rows.map((l) => [Number(l.leafIndex), JSON.parse(l.data)]));
    for (const a of accounts.rows) {
      const leaf = leafAt.get(Number(a.leafIndex));
      expect(leaf).toEqual([
        'dbwe-account-v1', a.id, Number(a.version), a.neighbourhood_neighbourhoodId, a.code, a.name, a.type, a.unit, orNull(a.project_projectId), orNull(a.taakveld), a.noOverdraft === 'true', a.versionRecordedAt, orNull(a.versionRecordedBy_versionRecordedById),
      ]);
    }
    for (const r of budgets.rows) {
      expect(leafAt.get(Number(r.leafIndex))).toEqual([
        'dbwe-budget-v1', r.budgetId, Number(r.revision), spijkerkwartier, r.projectId, r.unit, r.periodStart, r.periodEnd, r.amount_minorUnits, r.reason, r.recordedAt, orNull(r.recordedBy_recordedById),
      ]);
    }
  });

  it("recomputes every entry's chain hash from the exported ledger_entries and ledger_lines rows alone, in CSV and in JSON Lines", async () => {
    const fromCsv = entriesFromRows((await csv('ledger_entries')).rows, (await csv('ledger_lines')).rows, (v) => orNull(v as string));
    const fromJsonl = entriesFromRows((await jsonl('ledger_entries')).rows, (await jsonl('ledger_lines')).rows, (v) => (v === null ? null : String(v)));
    for (const entries of [fromCsv, fromJsonl]) {
      expect(entries.length).toBeGreaterThan(10);
      const state = { expectedSequence: 1, previousHash: GENESIS_HASH };
      for (const entry of entries) expect(checkChainLink(state, entry)).toBeNull();
      const posted = entries.find((e) => e.id === postedId)!;
      expect(posted.lines.map((l) => l.counterpartyName)).toEqual([null, 'Drukkerij "Het Oosten", Arnhem', null]);
      // Without the counterparty columns (all the export offered before), the entry would not hash.
      expect(checkChainLink({ expectedSequence: posted.sequence, previousHash: posted.previousHash }, { ...posted, lines: posted.lines.map((l) => ({ ...l, counterpartyName: null })) })).not.toBeNull();
    }
    expect(fromJsonl).toEqual(fromCsv);
  });

  it('gives the root of the checkpoint named by its header when the tree is recomputed from the exported log_leaves', async () => {
    const { response, text, size } = await download('log_leaves.csv');
    const leaves = parseCsv(text);
    expect(size).toBeGreaterThan(20);
    expect(leaves.map((l) => Number(l.leafIndex))).toEqual([...Array(size).keys()]);
    for (const leaf of leaves) expect(leafHash(leaf.data).toString('base64')).toBe(leaf.leafHash);
    const root = merkleRoot(leaves.map((l) => leafHash(l.data))).toString('base64');

    const checkpoint = await get(`${EXPORTS}/checkpoint.txt?size=${size}`);
    expect(checkpoint.status).toBe(200);
    const [origin, treeSize, rootHash] = (await checkpoint.text()).split('\n');
    expect([treeSize, rootHash]).toEqual([String(size), root]);
    const n = (await graph(`{ neighbourhood(slug: "spijkerkwartier") { transparencyLog { origin checkpointAt(size: ${size}) { rootHash } } } }`)).neighbourhood;
    expect([origin, rootHash]).toEqual([n.transparencyLog.origin, n.transparencyLog.checkpointAt.rootHash]);
    expect(response.headers.get('etag')).toMatch(new RegExp(`^"log_leaves-csv-${size}-`));

    // The entry leaves name the exported entries' sequences and hashes, at the entries' leaf indexes.
    const entries = (await csv('ledger_entries')).rows;
    const entryLeaves = leaves.filter((l) => l.kind === 'ENTRY');
    expect(entryLeaves.map((l) => [Number(l.leafIndex), JSON.parse(l.data)])).toEqual(
      entries.map((e) => [Number(e.leafIndex), ['dbwe-entry-leaf-v1', Number(e.sequence), e.hash]]),
    );
  });

  /*
   * Expected: a verifier downloads log_leaves (a fresh checkpoint of size S),
   * then, after another entry is booked, ledger_entries and ledger_lines at
   * that same S: both hold exactly the entries of that tree, none after it.
   */
  it('downloads every ledger table at the size of one checkpoint signed before', async () => {
    const { size } = await csv('log_leaves');
    const late = await post('ledger-export-at-size', 'Geboekt na de download van het log');
    await new Promise((r) => setTimeout(r, 1100));
    const fresh = await csv('ledger_entries');
    expect(fresh.size).toBeGreaterThan(size);
    expect(fresh.rows.some((e) => e.id === late.id)).toBe(true);

    const atSize = await csv('ledger_entries', `?size=${size}`);
    expect(atSize.size).toBe(size);
    expect(atSize.rows).toEqual(fresh.rows.filter((e) => Number(e.leafIndex) < size));
    const lines = await csv('ledger_lines', `?size=${size}`);
    expect(lines.size).toBe(size);
    expect([...new Set(lines.rows.map((l) => l.entryId))]).toEqual(atSize.rows.map((e) => e.id));
    const lastSequence = Number(atSize.rows.at(-1)!.sequence);
    const tail = await csv('ledger_lines', `?size=${size}&afterSequence=${lastSequence - 1}`);
    expect(tail.rows.map((l) => l.entryId)).toEqual(lines.rows.filter((l) => Number(l.sequence) === lastSequence).map((l) => l.entryId));
  });

  describe('while entries arrive', () => {
    let proxy: Awaited<ReturnType<typeof holdingCheckpoints>>;
    let gateway: Gateway;
    let gatewayUrl: string;
    beforeAll(async () => {
      proxy = await holdingCheckpoints(platform.subgraphs.ledger.url);
      const ledger = { url: `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}/graphql` };
      ({ gateway, gatewayUrl } = await startGatewayFor({ ...platform.subgraphs, ledger }));
    });
    afterAll(async () => {
      await gateway?.stop();
      await new Promise((resolve) => proxy?.server.close(resolve));
    });

    /*
     * Expected: the ledger signs the export's checkpoint, an entry is booked
     * before the export reads a single row, and the file still holds exactly
     * the checkpoint's tree: the new entry (and its lines and leaf) only in
     * the graph, and in the next export.
     */
    it.each(['ledger_entries', 'ledger_lines', 'log_leaves'])('leaves out of %s an entry posted after its checkpoint', async (table) => {
      await new Promise((r) => setTimeout(r, 1100));
      let late: { id: string; leafIndex: number } | undefined;
      proxy.holdNext(async () => {
        late = await post(`ledger-export-late-${table}`, `Laat geboekt tijdens export ${table}`);
      });
      const response = await fetch(new URL(`${EXPORTS}/${table}.jsonl`, gatewayUrl));
      const rows = (await response.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const size = Number(response.headers.get('ledger-checkpoint-size'));
      expect(late).toBeDefined();
      expect(late!.leafIndex).toBe(size);
      expect(rows.every((r) => (r.leafIndex as number) < size)).toBe(true);
      expect(rows.some((r) => r.id === late!.id || r.entryId === late!.id)).toBe(false);
      if (table === 'log_leaves') expect(rows).toHaveLength(size);
      // The graph has the entry; an export after the next checkpoint has it too.
      expect((await graph(`{ ledgerEntry(id: "${late!.id}") { leafIndex } }`)).ledgerEntry).toEqual({ leafIndex: size });
      await new Promise((r) => setTimeout(r, 1100));
      const next = await fetch(new URL(`${EXPORTS}/${table}.jsonl`, platform.gatewayUrl));
      expect(Number(next.headers.get('ledger-checkpoint-size'))).toBeGreaterThan(size);
      expect((await next.text()).split('\n').filter(Boolean).some((l) => l.includes(late!.id) || JSON.parse(l).leafIndex === size)).toBe(true);
    });
  });

  it("serves the newest checkpoint, or one of a given size, as its signed note with the witnesses' cosignatures", async () => {
    // A witness, registered by the neighbourhood's admin, cosigns the newest checkpoint.
    const witnessKey = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), createHash('sha256').update('export test witness').digest()]),
      format: 'der',
      type: 'pkcs8',
    });
    const witnessPublic = createPublicKey(witnessKey).export({ format: 'der', type: 'spki' }).subarray(12);
    const name = 'witness.test/wijkkrant';
    const keyId = createHash('sha256').update(`${name}\n`).update(Buffer.of(4)).update(witnessPublic).digest().subarray(0, 4);
    const admin = await platform.token(stableId('member:Wijkregisseur Anouk'), [{ role: 'admin', neighbourhood: spijkerkwartier }]);
    const registered = await platform.query<any>(
      `mutation ($input: RegisterWitnessInput!) { registerWitness(input: $input) { __typename } }`,
      { input: { neighbourhoodId: spijkerkwartier, verifierKey: `${name}+${keyId.toString('hex')}+${Buffer.concat([Buffer.of(4), witnessPublic]).toString('base64')}`, description: 'De wijkkrant' } },
      { token: admin },
    );
    expect(registered.body.data!.registerWitness.__typename).toBe('RegisterWitnessSuccess');

    const latest = await get(`${EXPORTS}/checkpoint.txt`);
    expect(latest.status).toBe(200);
    expect(latest.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const note = await latest.text();
    const { neighbourhood } = await graph(`{ neighbourhood(slug: "spijkerkwartier") { transparencyLog { checkpoint { size note } } } }`);
    expect(note).toBe(neighbourhood.transparencyLog.checkpoint.note);
    const text = note.slice(0, note.indexOf('\n\n') + 1);
    const size = Number(text.split('\n')[1]);

    const time = Math.floor(Date.now() / 1000);
    const timestamp = Buffer.alloc(8);
    timestamp.writeBigUInt64BE(BigInt(time));
    const line = `— ${name} ${Buffer.concat([keyId, timestamp, sign(null, Buffer.from(`cosignature/v1\ntime ${time}\n${text}`), witnessKey)]).toString('base64')}`;
    const added = await platform.query<any>(`mutation ($input: AddCosignatureInput!) { addCosignature(input: $input) { __typename } }`, {
      input: { neighbourhoodId: spijkerkwartier, treeSize: size, signatureLine: line },
    });
    expect(added.body.data!.addCosignature.__typename).toBe('AddCosignatureSuccess');

    // After the cosignature, a new entry and a newer checkpoint: the one of that size still has its cosignature.
    await post('ledger-export-after-cosignature', 'Na de medeondertekening');
    await new Promise((r) => setTimeout(r, 1100));
    const exported = await download('ledger_entries.csv');
    expect(exported.size).toBeGreaterThan(size);
    const newest = await (await get(`${EXPORTS}/checkpoint.txt`)).text();
    expect(newest.split('\n')[1]).toBe(String(exported.size));
    const cosigned = await get(`${EXPORTS}/checkpoint.txt?size=${size}`);
    expect(cosigned.status).toBe(200);
    expect(await cosigned.text()).toBe(`${note}${line}\n`);

    const refused: [string, number, RegExp][] = [
      ['checkpoint.txt?size=999999', 404, /No checkpoint of tree size 999999 was signed/],
      ['checkpoint.txt?size=-1', 400, /size must be a tree size/],
      ['checkpoint.txt?size=3.5', 400, /size must be a tree size/],
      ['checkpoint.txt?size=abc', 400, /size must be a tree size/],
      ['checkpoint.txt?size=99999999999', 400, /size must be a tree size/],
      ['checkpoint.txt?size=1&size=2', 400, /Give size once/],
      ['log_leaves.csv?afterSequence=3', 400, /has no sequence/],
      ['ledger_entries.csv?size=999999', 404, /No checkpoint of tree size 999999 was signed/],
      ['ledger_lines.jsonl?size=many', 400, /size must be a tree size/],
      ['accounts.csv?size=3', 400, /accounts is not cut at a checkpoint; size applies to ledger_entries, ledger_lines, log_leaves/],
    ];
    for (const [path, status, detail] of refused) {
      const response = await get(`${EXPORTS}/${path}`);
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({ path, status, type: 'application/problem+json; charset=utf-8' });
      expect(((await response.json()) as { detail: string }).detail).toMatch(detail);
    }
    expect((await get('/export/v1/neighbourhoods/atlantis/checkpoint.txt')).status).toBe(404);
  });

  it('publishes every signing key and each log’s verifier keys at /.well-known/dbwe-ledger-keys, with which the exported checkpoint verifies', async () => {
    const response = await get('/.well-known/dbwe-ledger-keys');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const keys = (await response.json()) as any;
    const data = await graph(`{ ledgerSigningKeys { publicKey firstUsedAt retiredAt } neighbourhoods { id slug transparencyLog { origin verifierKey verifierKeys } } }`);
    expect(keys.signingKeys).toEqual(data.ledgerSigningKeys);
    expect(keys.signingKeys.length).toBeGreaterThan(0);
    expect(keys.logs).toEqual(
      data.neighbourhoods.map((n: any) => ({ neighbourhoodId: n.id, slug: n.slug, ...n.transparencyLog, checkpoint: `/export/v1/neighbourhoods/${n.slug}/checkpoint.txt` })),
    );
    expect(keys.logs.map((l: any) => l.slug)).toEqual(expect.arrayContaining(['spijkerkwartier', 'klarendal']));

    // A third party checks the checkpoint a download names with the key published here: the first signature line is the log's.
    const { size } = await download('ledger_lines.csv');
    const note = await (await get(`${EXPORTS}/checkpoint.txt?size=${size!}`)).text();
    const log = keys.logs.find((l: any) => l.slug === 'spijkerkwartier');
    const vkey = parseVerifierKey(log.verifierKey);
    expect([vkey.name, vkey.type]).toEqual([log.origin, 1]);
    const text = note.slice(0, note.indexOf('\n\n') + 1);
    expect(text.split('\n')[0]).toBe(log.origin);
    const signatureLine = note.slice(text.length + 1).split('\n')[0];
    expect(signatureLine.startsWith(`— ${log.origin} `)).toBe(true);
    const signature = Buffer.from(signatureLine.slice(`— ${log.origin} `.length), 'base64');
    expect(signature.subarray(0, 4).toString('hex')).toBe(vkey.id);
    expect(verify(null, Buffer.from(text), ed25519Spki(vkey.publicKey), signature.subarray(4))).toBe(true);
    expect(keys.signingKeys.map((k: any) => k.publicKey)).toContain(vkey.publicKey.toString('base64'));
    expect(verify(null, Buffer.from(text.replace(`\n${size}\n`, `\n${size! - 1}\n`)), ed25519Spki(vkey.publicKey), signature.subarray(4))).toBe(false);
  });

  it('answers 304 while the checkpoint is the same, and a new file once an entry is in a newer one', async () => {
    const { size } = await csv('log_leaves');
    for (const path of ['ledger_entries.csv', 'ledger_lines.jsonl', 'log_leaves.csv', 'ledger_entries.csv?afterSequence=3', `log_leaves.jsonl?size=${size}`, 'checkpoint.txt']) {
      const first = await get(`${EXPORTS}/${path}`);
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^".+"$/);
      expect(first.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      await first.arrayBuffer();
      const again = await get(`${EXPORTS}/${path}`, { 'if-none-match': etag });
      expect({ path, status: again.status }).toEqual({ path, status: 304 });
    }
    const keys = await get('/.well-known/dbwe-ledger-keys');
    await keys.arrayBuffer();
    expect((await get('/.well-known/dbwe-ledger-keys', { 'if-none-match': keys.headers.get('etag')! })).status).toBe(304);

    const before = await get(`${EXPORTS}/ledger_entries.csv`);
    const etag = before.headers.get('etag')!;
    expect((await get(`${EXPORTS}/ledger_entries.csv?afterSequence=0`)).headers.get('etag')).not.toBe(etag);
    await before.arrayBuffer();
    await post('ledger-export-etag', 'Nieuw sinds de vorige download');
    await new Promise((r) => setTimeout(r, 1100));
    const after = await get(`${EXPORTS}/ledger_entries.csv`, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(Number(after.headers.get('ledger-checkpoint-size'))).toBeGreaterThan(Number(before.headers.get('ledger-checkpoint-size')));
    expect(parseCsv(await after.text()).at(-1)!.description).toBe('Nieuw sinds de vorige download');
  });
});
