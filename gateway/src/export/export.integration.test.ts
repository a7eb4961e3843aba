import { DEFAULT_CHART } from '../../../subgraphs/ledger/src/accounts/default-chart';
import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../../test/platform';
import { EXPORT_TABLES } from './tables';

/*
 * Open data: every table of the Spijkerkwartier export, in CSV and JSON Lines,
 * equals what the graph answers; the data package describes exactly the CSV
 * headers and types; incremental pulls return only what is new; bad requests
 * get problem details.
 */
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const steward = stableId('member:Penningmeester Pieter');

/** RFC 4180 parser, enough for our exports (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) throw new Error('CSV does not end with a line terminator');
  return rows;
}

const typeChecks: Record<string, (v: string) => boolean> = {
  string: () => true,
  integer: (v) => /^-?\d+$/.test(v),
  number: (v) => /^-?\d+(\.\d+)?$/.test(v),
  boolean: (v) => v === 'true' || v === 'false',
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v),
  datetime: (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v),
};

describe('open data exports', () => {
  let platform: RunningPlatform;
  let get: (path: string, headers?: Record<string, string>) => Promise<Response>;
  beforeAll(async () => {
    platform = await startPlatform();
    get = (path, headers = {}) => fetch(new URL(path, platform.gatewayUrl), { headers });
  });
  afterAll(() => platform.stop());

  it('describes every table in a data package whose fields match the CSV headers and values', async () => {
    const response = await get('/export/v1/neighbourhoods/spijkerkwartier/datapackage.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('api-version')).toBe('1.4.0');
    const pkg = (await response.json()) as any;
    expect(pkg.profile).toBe('tabular-data-package');
    expect(pkg.name).toBe('dbwe-spijkerkwartier');
    expect(pkg.resources.map((r: any) => r.name)).toEqual(EXPORT_TABLES.map((t) => t.name));
    for (const resource of pkg.resources) {
      // Table Schema rules: unique names, known types, primary key among the fields, a description for every field.
      const names = resource.schema.fields.map((f: any) => f.name);
      expect(new Set(names).size).toBe(names.length);
      for (const field of resource.schema.fields) {
        expect(Object.keys(typeChecks)).toContain(field.type);
        expect(field.name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
        expect(field.description.length).toBeGreaterThan(3);
      }
      for (const key of resource.schema.primaryKey) expect(names).toContain(key);
      expect(resource.dialect).toMatchObject({ delimiter: ',', header: true });

      const csv = await get(`/export/v1/neighbourhoods/spijkerkwartier/${resource.path}`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
      const [header, ...rows] = parseCsv(await csv.text());
      expect(header).toEqual(names);
      const keys = new Set<string>();
      for (const row of rows) {
        expect(row).toHaveLength(names.length);
        resource.schema.fields.forEach((field: any, i: number) => {
          if (row[i] === '') expect(field.constraints?.required).not.toBe(true);
          else expect({ field: field.name, value: row[i], ok: typeChecks[field.type](row[i]) }).toEqual({ field: field.name, value: row[i], ok: true });
        });
        const key = resource.schema.primaryKey.map((k: string) => row[names.indexOf(k)]).join('|');
        expect(keys.has(key)).toBe(false);
        keys.add(key);
      }
    }
  });

  it('writes the same rows as CSV and as JSON Lines', async () => {
    for (const table of EXPORT_TABLES) {
      const [header, ...csvRows] = parseCsv(await (await get(`/export/v1/neighbourhoods/spijkerkwartier/${table.name}.csv`)).text());
      const jsonl = await get(`/export/v1/neighbourhoods/spijkerkwartier/${table.name}.jsonl`);
      expect(jsonl.headers.get('content-type')).toBe('application/jsonl; charset=utf-8');
      const objects = (await jsonl.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
      expect(objects.length).toBe(csvRows.length);
      objects.forEach((object, r) => {
        expect(Object.keys(object)).toEqual(header);
        // A text that a spreadsheet would run as a formula carries a leading ' in the CSV (none in the demo's data).
        header.forEach((name, i) => expect(object[name] === null ? '' : String(object[name])).toBe(csvRows[r][i]));
      });
    }
  });

  it('exports exactly what the graph answers', async () => {
    const { body } = await platform.query<any>(`{ neighbourhood(slug: "spijkerkwartier") {
      members(first: 100) { totalCount edges { node { id displayName } } }
      projects(first: 100) { edges { node { id title finances { spent { amount } } } } }
      accounts { code balance { amount } }
      ledgerEntries(first: 100) { totalCount edges { node { sequence hash lines { amount { minorUnits } } } } }
    } }`);
    const n = body.data!.neighbourhood;
    const table = async (name: string) => {
      const [header, ...rows] = parseCsv(await (await get(`/export/v1/neighbourhoods/spijkerkwartier/${name}.csv`)).text());
      return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    };
    const members = await table('members');
    expect(members.map((m) => [m.id, m.displayName])).toEqual(n.members.edges.map((e: any) => [e.node.id, e.node.displayName]));
    expect(members.length).toBe(n.members.totalCount);
    expect(Object.keys(members[0])).not.toContain('email');

    const projects = await table('projects');
    expect(projects.map((p) => [p.id, p.title, p.finances_spent_amount])).toEqual(
      n.projects.edges.map((e: any) => [e.node.id, e.node.title, e.node.finances.spent.amount]),
    );
    const accounts = await table('accounts');
    expect(accounts.map((a) => [a.code, a.balance_amount])).toEqual(n.accounts.map((a: any) => [a.code, a.balance.amount]));

    const entries = await table('ledger_entries');
    expect(entries.map((e) => [Number(e.sequence), e.hash])).toEqual(n.ledgerEntries.edges.map((e: any) => [e.node.sequence, e.node.hash]));
    const lines = await table('ledger_lines');
    const graphLines = n.ledgerEntries.edges.flatMap((e: any) => e.node.lines.map((l: any) => l.amount.minorUnits));
    expect(lines.map((l) => l.amount_minorUnits)).toEqual(graphLines);
    expect(lines.length).toBeGreaterThan(entries.length);
  });

  it('pulls only the entries posted since the last pull', async () => {
    const first = parseCsv(await (await get('/export/v1/neighbourhoods/spijkerkwartier/ledger_entries.csv')).text());
    const header = first[0];
    const lastSequence = Math.max(...first.slice(1).map((r) => Number(r[header.indexOf('sequence')])));
    const token = await platform.token(steward, [{ role: 'steward', neighbourhood: spijkerkwartier }]);
    const account = (code: string) => stableId(`account:${spijkerkwartier}:${code}`);
    for (const [i, amount] of ['12.50', '7.25'].entries()) {
      const { body } = await platform.query<any>(
        `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename ... on PostEntrySuccess { entry { sequence } } } }`,
        {
          input: {
            neighbourhoodId: spijkerkwartier,
            idempotencyKey: `export-sync-${i}`,
            bookingDate: '2026-11-20',
            description: `Koffie vrijwilligersoverleg ${i + 1}`,
            lines: [
              { accountId: account('4900'), side: 'DEBIT', amount, unit: 'EUR' },
              { accountId: account('1000'), side: 'CREDIT', amount, unit: 'EUR' },
            ],
          },
        },
        { token },
      );
      expect(body.data!.postEntry.__typename).toBe('PostEntrySuccess');
    }
    // An export is cut at a fresh checkpoint, and the ledger signs at most one a second: the first pull's may still be the newest.
    await new Promise((r) => setTimeout(r, 1100));
    const next = parseCsv(await (await get(`/export/v1/neighbourhoods/spijkerkwartier/ledger_entries.csv?afterSequence=${lastSequence}`)).text());
    expect(next[0]).toEqual(header);
    expect(next.slice(1).map((r) => Number(r[header.indexOf('sequence')]))).toEqual([lastSequence + 1, lastSequence + 2]);
    const lines = parseCsv(await (await get(`/export/v1/neighbourhoods/spijkerkwartier/ledger_lines.csv?afterSequence=${lastSequence}`)).text());
    expect(lines.slice(1)).toHaveLength(4);
  });

  it('pulls only the members changed since the last pull', async () => {
    const lastPull = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await new Promise((r) => setTimeout(r, 1100));
    const none = parseCsv(await (await get(`/export/v1/neighbourhoods/spijkerkwartier/members.csv?since=${lastPull}`)).text());
    expect(none).toHaveLength(1);
    const fenna = stableId('member:Fietsende Fenna');
    const token = await platform.token(fenna, [{ role: 'resident', neighbourhood: spijkerkwartier }]);
    const { body } = await platform.query<any>(`mutation { updateMyProfile(input: { displayName: "Fenna fietst" }) { __typename } }`, {}, { token });
    expect(body.data!.updateMyProfile.__typename).toBe('UpdateMyProfileSuccess');
    const [header, ...rows] = parseCsv(await (await get(`/export/v1/neighbourhoods/spijkerkwartier/members.csv?since=${lastPull}`)).text());
    expect(rows.map((r) => [r[header.indexOf('id')], r[header.indexOf('displayName')]])).toEqual([[fenna, 'Fenna fietst']]);
  });

  /*
   * Expected: after the last pull, one entry of 4.80 from the bank (1000) to
   * activities (4200) changes exactly those two accounts; a repair café
   * evaluation written and published by the treasurer is the only SROI
   * analysis changed, with its one outcome. A time in the future gives headers only.
   */
  it('pulls only the accounts a posting touched and the SROI analyses changed since the last pull', async () => {
    const csv = async (path: string) => {
      const [header, ...rows] = parseCsv(await (await get(`/export/v1/neighbourhoods/spijkerkwartier/${path}`)).text());
      return { header, rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
    };
    const tables = ['accounts', 'sroi_analyses', 'sroi_outcomes'];
    const full = await csv('accounts.csv');
    expect(full.header).toContain('updatedAt');
    // The template chart, which the demo books open with.
    expect(full.rows.length).toBe(DEFAULT_CHART.length);

    await new Promise((r) => setTimeout(r, 5));
    const lastPull = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    for (const table of tables) expect((await csv(`${table}.csv?since=${lastPull}`)).rows).toEqual([]);

    const token = await platform.token(steward, [{ role: 'steward', neighbourhood: spijkerkwartier }]);
    const account = (code: string) => stableId(`account:${spijkerkwartier}:${code}`);
    const posted = await platform.query<any>(
      `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename } }`,
      {
        input: {
          neighbourhoodId: spijkerkwartier,
          idempotencyKey: 'export-accounts-since',
          bookingDate: '2026-11-21',
          description: 'Thee en koekjes buurtavond',
          lines: [
            { accountId: account('4200'), side: 'DEBIT', amount: '4.80', unit: 'EUR' },
            { accountId: account('1000'), side: 'CREDIT', amount: '4.80', unit: 'EUR' },
          ],
        },
      },
      { token },
    );
    expect(posted.body.data!.postEntry.__typename).toBe('PostEntrySuccess');

    const accounts = await csv(`accounts.csv?since=${lastPull}`);
    expect(accounts.header).toEqual(full.header);
    expect(accounts.rows.map((a) => a.code)).toEqual(['1000', '4200']);
    for (const a of accounts.rows) {
      expect(new Date(a.updatedAt).getTime()).toBeGreaterThan(new Date(lastPull).getTime());
      const before = full.rows.find((f) => f.id === a.id)!;
      expect(BigInt(a.balance_minorUnits) - BigInt(before.balance_minorUnits)).toBe(a.code === '1000' ? -480n : 480n);
    }

    const write = async (query: string, variables: Record<string, unknown>) => {
      const { body } = await platform.query<any>(query, variables, { token });
      expect(body.errors).toBeUndefined();
      return Object.values(body.data!)[0] as any;
    };
    const created = await write(
      `mutation ($input: CreateSroiAnalysisInput!) { createSroiAnalysis(input: $input) { ... on SroiAnalysisPayload { analysis { id } } } }`,
      {
        input: {
          projectId: stableId('project:repair-cafe'),
          neighbourhoodId: spijkerkwartier,
          kind: 'EVALUATIVE',
          title: 'Evaluatie Repair Café 2026',
          periodStart: '2026-01-01',
          periodEnd: '2026-12-31',
          stakeholders: [{ name: 'Bezoekers', description: 'Mensen die iets laten repareren' }],
        },
      },
    );
    const analysisId = created.analysis.id;
    const because = (value: string) => ({ value, rationale: 'Uit de bezoekersenquête.' });
    const added = await write(
      `mutation ($id: ID!, $input: OutcomeInput!) { addSroiOutcome(analysisId: $id, input: $input) { ... on SroiOutcomePayload { outcome { id } } } }`,
      {
        id: analysisId,
        input: {
          stakeholder: 'Bezoekers',
          description: 'Minder weggegooide spullen',
          indicator: 'Gerepareerde apparaten',
          quantity: '250',
          financialProxy: { value: '40', description: 'Vermeden aanschaf', source: 'Milieu Centraal 2025' },
          durationYears: 1,
          dropOff: because('0'),
          deadweight: because('0.1'),
          displacement: because('0'),
          attribution: because('0.2'),
        },
      },
    );
    // A draft is the treasurer's alone: the public pull does not show it yet.
    expect((await csv(`sroi_analyses.csv?since=${lastPull}`)).rows).toEqual([]);
    expect((await write(`mutation ($id: ID!) { publishSroiAnalysis(id: $id) { __typename } }`, { id: analysisId })).__typename).toBe('SroiAnalysisPayload');

    const analyses = await csv(`sroi_analyses.csv?since=${lastPull}`);
    expect(analyses.rows.map((a) => [a.analysisId, a.status])).toEqual([[analysisId, 'PUBLISHED']]);
    // The exact figures, live and as published: the books of the repair café have not moved since.
    const [published] = analyses.rows;
    expect(published).toMatchObject({ result_inputsUsed_basis: 'LEDGER_SPENDING', publishedSnapshot_inputsUsed_basis: 'LEDGER_SPENDING' });
    for (const figure of ['presentValueExact', 'inputsExact', 'netPresentValueExact', 'paybackMonthsExact']) {
      expect([figure, published[`result_${figure}`]]).toEqual([figure, published[`publishedSnapshot_${figure}`]]);
      expect(published[`result_${figure}`]).toMatch(/^-?\d+(\.\d*[1-9])?$/);
    }
    // 250 × €40 × 0.9 × 0.8 = €7 200 a year, discounted once at 3.5%: 7200 / 1.035.
    expect(published.result_presentValueExact).toBe('6956.521739130434782608695652173913043478');
    expect(published.result_presentValue).toBe('6956.52');
    const outcomes = await csv(`sroi_outcomes.csv?since=${lastPull}`);
    expect(outcomes.rows.map((o) => [o.analysisId, o.outcomeId])).toEqual([[analysisId, added.outcome.id]]);
    expect(outcomes.rows[0]).toMatchObject({ quantity: '250', financialProxy_value: '40.00', deadweight_value: '0.1', attribution_value: '0.2' });
    // Without since, the earlier analyses are there too.
    expect((await csv('sroi_analyses.csv')).rows.length).toBeGreaterThan(1);

    const future = new Date(Date.now() + 86_400_000).toISOString();
    for (const table of tables) {
      for (const format of ['csv', 'jsonl']) {
        const response = await get(`/export/v1/neighbourhoods/spijkerkwartier/${table}.${format}?since=${future}`);
        expect(response.status).toBe(200);
        const text = await response.text();
        // CSV: the header line only; JSON Lines has no header, so nothing at all.
        expect(format === 'csv' ? parseCsv(text) : text.split('\n').filter(Boolean)).toHaveLength(format === 'csv' ? 1 : 0);
      }
    }
  });

  it('answers 304 when nothing changed', async () => {
    for (const path of ['ledger_entries.csv', 'members.jsonl', 'datapackage.json']) {
      const first = await get(`/export/v1/neighbourhoods/spijkerkwartier/${path}`);
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^".+"$/);
      expect(first.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      await first.arrayBuffer();
      const again = await get(`/export/v1/neighbourhoods/spijkerkwartier/${path}`, { 'if-none-match': etag });
      expect(again.status).toBe(304);
    }
  });

  it('refuses bad requests with problem details and the right status', async () => {
    const cases: [string, number, RegExp][] = [
      ['/export/v1/neighbourhoods/atlantis/members.csv', 404, /No neighbourhood "atlantis"/],
      ['/export/v1/neighbourhoods/spijkerkwartier/secrets.csv', 404, /No table "secrets.csv"/],
      ['/export/v1/neighbourhoods/spijkerkwartier/members.xml', 406, /Unsupported format "xml"/],
      ['/export/v1/neighbourhoods/spijkerkwartier/members.csv?since=yesterday', 400, /since must be an RFC 3339 date-time with a time-zone offset/],
      ['/export/v1/neighbourhoods/spijkerkwartier/ledger_entries.csv?afterSequence=-1', 400, /afterSequence must be a whole number/],
      ['/export/v1/neighbourhoods/spijkerkwartier/members.csv?afterSequence=3', 400, /has no sequence/],
      ['/export/v2/neighbourhoods', 404, /Unknown API version/],
    ];
    for (const [path, status, detail] of cases) {
      const response = await get(path);
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      const problem = (await response.json()) as any;
      expect(problem).toMatchObject({ type: 'about:blank', status });
      expect(problem.detail).toMatch(detail);
    }
    const post = await fetch(new URL('/export/v1/neighbourhoods', platform.gatewayUrl), { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('publishes an OpenAPI document for the export endpoints', async () => {
    const doc = (await (await get('/export/v1/openapi.json')).json()) as any;
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual([
      '/neighbourhoods',
      '/neighbourhoods/{slug}/datapackage.json',
      '/neighbourhoods/{slug}/events.jsonl',
      '/neighbourhoods/{slug}/checkpoint.txt',
      '/neighbourhoods/{slug}/{table}.{format}',
      '/neighbourhoods/{slug}/annual-accounts/{year}.{format}',
      '/.well-known/dbwe-ledger-keys',
    ]);
    expect(doc.paths['/neighbourhoods/{slug}/{table}.{format}'].get.parameters[1].schema.enum).toEqual(EXPORT_TABLES.map((t) => t.name));
  });
});
