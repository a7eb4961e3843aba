import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ledger } from '@dbwe/ledger';
import { cloneTestDatabase, startTestSubgraph, type TestSubgraph } from '@dbwe/platform/testing';
import {
  CREATE_ACCOUNT,
  POST_ENTRY,
  dataOf,
  inProcess,
  neighbourhoodRef,
  openBooks,
  postEntry,
  readBooks,
  transfer,
  verifyChain,
  type Caller,
} from './ledger-api';
import { runsFor } from './settings';
import { startCommunityGraph, type CommunityGraph } from '../platform';

/*
 * The bank test, after Jepsen's (issue 10, item 2). Six asset accounts of one
 * neighbourhood hold 6,000.00 between them; three may never go below zero.
 * Writers move money between them at random while readers read every
 * balance in one request. Transfers among the six never change their total,
 * so every read must add up to 6,000.00 exactly and show no protected
 * account below zero. Afterwards the stored balances equal the sums of the
 * lines, the sequence has no gaps, and the chain verifies.
 */
const WRITERS = 8;
const READERS = 3;
const TOTAL = 600_000n;

const READ_ACCOUNTS = `
  query ($reps: [_Any!]!) {
    _entities(representations: $reps) {
      ... on Neighbourhood { accounts { id code noOverdraft balance { minorUnits } } }
    }
  }`;

const READ_TRIAL_BALANCE = `
  query ($reps: [_Any!]!) {
    _entities(representations: $reps) {
      ... on Neighbourhood { trialBalance { balanced lines { account { code } debit { minorUnits } credit { minorUnits } } } }
    }
  }`;

describe('ledger: bank test with concurrent writers and readers', () => {
  let database: { url: string; drop: () => Promise<void> };
  let subgraph: TestSubgraph<unknown, unknown>;
  let graph: CommunityGraph;
  let call: Caller;
  const n = randomUUID();
  const vault: { id: string; code: string; protected: boolean }[] = [];

  beforeAll(async () => {
    database = await cloneTestDatabase();
    graph = await startCommunityGraph(database.url);
    subgraph = await startTestSubgraph(ledger as never, database.url, { env: { GRAPH_URL: graph.gatewayUrl } });
    call = inProcess(subgraph);
    await openBooks(call, n, graph);
    for (let i = 1; i <= 6; i++) {
      const input = { neighbourhoodId: n, code: `K${i}`, name: `Kluis ${i}`, type: 'ASSET', unit: 'EUR', noOverdraft: i <= 3 };
      const { createAccount } = dataOf(await call<{ createAccount: any }>(CREATE_ACCOUNT, { input }), 'createAccount');
      vault.push({ id: createAccount.account.id, code: `K${i}`, protected: i <= 3 });
    }
    const equity = (await readBooks(call, n)).accounts.find((a) => a.code === '0500')!.id;
    const funding = await postEntry(call, {
      neighbourhoodId: n,
      idempotencyKey: 'funding',
      bookingDate: '2026-01-02',
      description: 'Beginvermogen over de kluizen verdeeld',
      lines: [
        ...vault.map((v) => ({ accountId: v.id, side: 'DEBIT' as const, amount: '1000.00', unit: 'EUR' as const })),
        { accountId: equity, side: 'CREDIT', amount: '6000.00', unit: 'EUR' },
      ],
    });
    expect(funding.__typename).toBe('PostEntrySuccess');
  });
  afterAll(async () => {
    await subgraph?.stop();
    await graph?.stop();
    await database?.drop();
  });

  it('keeps every read at the fixed total, no protected account negative, and the books sound afterwards', async () => {
    const transfers = runsFor.bankTransfers();
    const acknowledged = new Set<string>();
    const refused: Record<string, number> = {};
    let next = 0;
    let writing = true;
    const reads = { accounts: 0, trialBalances: 0 };

    // Anomalies are collected, not thrown, so that the writers and readers always run to the end.
    const anomalies: string[] = [];

    const writer = async () => {
      while (next < transfers) {
        const i = next++;
        const from = vault[Math.floor(Math.random() * vault.length)];
        let to = vault[Math.floor(Math.random() * vault.length)];
        if (to === from) to = vault[(vault.indexOf(from) + 1) % vault.length];
        const amount = BigInt(1 + Math.floor(Math.random() * 40_000));
        const input = transfer(n, `t-${i}`, from.id, to.id, amount);
        // Every tenth transfer is sent twice at once, as a client retrying too early would.
        const results = await Promise.all(i % 10 === 0 ? [postEntry(call, input), postEntry(call, input)] : [postEntry(call, input)]);
        for (const result of results) {
          if (result.__typename === 'PostEntrySuccess') acknowledged.add((result as { entry: { id: string } }).entry.id);
          else refused[result.__typename] = (refused[result.__typename] ?? 0) + 1;
        }
        if (results.length === 2 && results[0].__typename !== results[1].__typename) {
          anomalies.push(`the same request sent twice at once was answered ${results[0].__typename} and ${results[1].__typename}`);
        }
      }
    };

    const reader = async () => {
      while (writing) {
        const accounts = await call<{ _entities: any[] }>(READ_ACCOUNTS, neighbourhoodRef(n));
        if (accounts.errors) {
          anomalies.push(`balance read failed: ${JSON.stringify(accounts.errors)}`);
          continue;
        }
        const balances = new Map<string, bigint>(accounts.data!._entities[0].accounts.map((a: any) => [a.code, BigInt(a.balance.minorUnits)]));
        const sum = vault.reduce((total, v) => total + balances.get(v.code)!, 0n);
        if (sum !== TOTAL) anomalies.push(`a balance read added up to ${sum}, not ${TOTAL}`);
        for (const v of vault.filter((v) => v.protected && balances.get(v.code)! < 0n)) anomalies.push(`protected ${v.code} read at ${balances.get(v.code)}`);
        reads.accounts++;

        const answer = await call<{ _entities: any[] }>(READ_TRIAL_BALANCE, neighbourhoodRef(n));
        if (answer.errors) {
          anomalies.push(`trial balance failed: ${JSON.stringify(answer.errors)}`);
          continue;
        }
        const trial = answer.data!._entities[0].trialBalance;
        const net = (code: string) => {
          const line = trial.lines.find((l: any) => l.account.code === code);
          return line ? BigInt(line.debit.minorUnits) - BigInt(line.credit.minorUnits) : 0n;
        };
        const trialSum = vault.reduce((total, v) => total + net(v.code), 0n);
        if (!trial.balanced || trialSum !== TOTAL || net('0500') !== -TOTAL) {
          anomalies.push(`a trial balance was ${trial.balanced ? 'balanced' : 'unbalanced'} with the vaults at ${trialSum}`);
        }
        reads.trialBalances++;
      }
    };

    const readers = Array.from({ length: READERS }, reader);
    await Promise.all(Array.from({ length: WRITERS }, writer));
    writing = false;
    await Promise.all(readers);
    process.stdout.write(
      `bank: ${transfers} transfers (${transfers / 10} sent twice at once), ${acknowledged.size} booked, refused ${JSON.stringify(refused)}, ` +
        `${reads.accounts} balance reads and ${reads.trialBalances} trial balances checked\n`,
    );

    expect(anomalies.slice(0, 10)).toEqual([]);
    expect(reads.accounts).toBeGreaterThan(10);
    expect(acknowledged.size).toBeGreaterThan(transfers / 4);
    expect(Object.keys(refused).filter((type) => type !== 'Overdraft')).toEqual([]);

    // Afterwards: one entry per acknowledged post (plus the funding), no gaps, sums of lines equal stored balances.
    const sql = new Client({ connectionString: database.url });
    await sql.connect();
    try {
      const { rows: entries } = await sql.query<{ sequence: number; id: string }>(`SELECT sequence, id FROM ledger.entry WHERE neighbourhood_id = $1 ORDER BY sequence`, [n]);
      expect(entries.map((e) => e.sequence)).toEqual(Array.from({ length: acknowledged.size + 1 }, (_, i) => i + 1));
      expect(new Set(entries.slice(1).map((e) => e.id))).toEqual(acknowledged);
      const { rows: mismatched } = await sql.query(
        `SELECT a.code, a.balance_minor, coalesce(sum(l.amount_minor), 0) AS from_lines
           FROM ledger.account a LEFT JOIN ledger.line l ON l.account_id = a.id
          WHERE a.neighbourhood_id = $1 GROUP BY a.id HAVING a.balance_minor <> coalesce(sum(l.amount_minor), 0)`,
        [n],
      );
      expect(mismatched).toEqual([]);
      const { rows: negative } = await sql.query(`SELECT code FROM ledger.account WHERE neighbourhood_id = $1 AND no_overdraft AND balance_minor < 0`, [n]);
      expect(negative).toEqual([]);
    } finally {
      await sql.end();
    }
    const verification = await verifyChain(call, n);
    expect(verification).toMatchObject({ valid: true, entriesChecked: acknowledged.size + 1, headSequence: acknowledged.size + 1 });
  });

  it('verifies the chain while writers append to it', async () => {
    // A third party may check the books at any moment; a busy neighbourhood must not look tampered with.
    let writing = true;
    let i = 0;
    const writer = async () => {
      while (writing) {
        const input = transfer(n, `busy-${i++}`, vault[4].id, vault[5].id, 1n);
        // On a loaded machine the member-standing check in the graph can time out: SERVICE_UNAVAILABLE, nothing written,
        // try again, as its retryAfter says. The writers only keep the chain growing; what is tested is the verification.
        for (;;) {
          const answer = await call(POST_ENTRY, { input });
          if (!answer.errors?.length) break;
          if (!answer.errors.every((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) throw new Error(`postEntry failed: ${JSON.stringify(answer.errors)}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    const writers = Array.from({ length: 4 }, writer);
    const verifications = [];
    try {
      for (let k = 0; k < 15; k++) verifications.push(await verifyChain(call, n));
    } finally {
      writing = false;
      await Promise.all(writers);
    }
    expect(verifications.filter((v) => !v.valid)).toEqual([]);
    expect((await verifyChain(call, n)).valid).toBe(true);
  });
});
