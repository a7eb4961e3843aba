/**
 * How many entries per second one neighbourhood's books accept through the
 * ledger subgraph: N transfers among 8 accounts, posted over HTTP by W
 * concurrent writers, each waiting for its answer before the next post.
 *
 *   DATABASE_URL=postgres://… node --import tsx subgraphs/ledger/src/bench/posting-rate.ts [--writers 16] [--posts 4000] [--pool 16]
 *
 * Without DATABASE_URL it starts an embedded PostgreSQL (fsync off, so the
 * figure is then an upper bound). It works in a fresh database that it drops
 * afterwards.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  ASSERTION_HEADER,
  QueryCounter,
  createDataSource,
  createLogger,
  createSubgraphServer,
  parseConfig,
  publicKeyObject,
  signAssertion,
  signingKeyFromSeed,
  stableId,
  startServices,
  type SubgraphModule,
  type Viewer,
} from '@dbwe/platform';
import { cloneTestDatabase, runtimeUrlFor, TEST_GATEWAY_ASSERTION_KEY } from '@dbwe/platform/testing';
import { setupTestDatabase } from '@dbwe/platform/testing/global-setup';
import { ledger } from '../server';
import { ledgerServices } from '../log/services';

const { values } = parseArgs({
  options: {
    writers: { type: 'string', default: '16' },
    posts: { type: 'string', default: '4000' },
    pool: { type: 'string', default: '16' },
  },
});
const WRITERS = Number(values.writers);
const POSTS = Number(values.posts);
const POOL = Number(values.pool);
const GATEWAY_KEY = signingKeyFromSeed(TEST_GATEWAY_ASSERTION_KEY);
const NEIGHBOURHOOD = stableId('neighbourhood:bench');
const steward: Viewer = { memberId: stableId('member:bench'), roles: [{ role: 'steward', neighbourhood: NEIGHBOURHOOD }] };

async function main(): Promise<void> {
  const teardownServer = await setupTestDatabase([ledger as SubgraphModule<unknown, unknown>]);
  const database = await cloneTestDatabase();
  const statements = new QueryCounter();
  // As in production: the ledger's runtime role, with the triggers running as the schema's owner.
  const db = createDataSource({ url: runtimeUrlFor(database.url, 'ledger'), schema: 'ledger', entities: ledger.entities, migrations: ledger.migrations, poolSize: POOL, logger: statements });
  await db.initialize();
  const logger = createLogger('ledger', 'silent');
  // The ledger's own settings at their test values (a fixed, public signing key): this is a benchmark, not books.
  const running = await startServices(ledger, db, parseConfig(ledgerServices.settings, ledgerServices.testEnv), logger);
  // The ledger alone measures its own posting: no graph to ask about erased members here.
  const server = createSubgraphServer(ledger, { db, logger, gatewayKey: publicKeyObject(GATEWAY_KEY.publicKey), services: running.services, standing: null });
  await server.start();
  const { port } = await server.http.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}/graphql`;

  const call = async (query: string, variables: Record<string, unknown>) => {
    const body = JSON.stringify({ query, variables });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [ASSERTION_HEADER]: await signAssertion(GATEWAY_KEY.privateKey, 'ledger', { viewer: steward, requestId: randomUUID() }, body) },
      body,
    });
    const answer = await response.json();
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    return answer.data;
  };

  try {
    await call(`mutation ($id: ID!) { openBooks(neighbourhoodId: $id) { openedNow } }`, { id: NEIGHBOURHOOD });
    const accounts: string[] = [];
    for (let i = 0; i < 8; i++) {
      const data = await call(`mutation ($input: CreateAccountInput!) { createAccount(input: $input) { ... on CreateAccountSuccess { account { id } } } }`, {
        input: { neighbourhoodId: NEIGHBOURHOOD, code: `2${i}00`, name: `Rekening ${i}`, type: 'ASSET', unit: 'EUR', noOverdraft: i < 4 },
      });
      accounts.push(data.createAccount.account.id);
    }
    const POST = `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename } }`;
    const transfer = (key: string, from: string, to: string, amount: string) => ({
      neighbourhoodId: NEIGHBOURHOOD,
      idempotencyKey: key,
      bookingDate: '2026-03-01',
      description: `Overboeking ${amount}`,
      lines: [
        { accountId: to, side: 'DEBIT', amount, unit: 'EUR' },
        { accountId: from, side: 'CREDIT', amount, unit: 'EUR' },
      ],
    });
    await call(POST, {
      input: {
        ...transfer('opening', accounts[0], accounts[1], '0.01'),
        lines: [
          ...accounts.map((accountId) => ({ accountId, side: 'DEBIT', amount: '1000000.00', unit: 'EUR' })),
          { accountId: stableId(`account:${NEIGHBOURHOOD}:0500`), side: 'CREDIT', amount: '8000000.00', unit: 'EUR' },
        ],
      },
    });

    const run = async (label: string, count: number) => {
      const latencies: number[] = [];
      const outcomes = new Map<string, number>();
      let next = 0;
      const statementsBefore = statements.count;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          while (next < count) {
            const n = next++;
            const from = accounts[n % 8];
            const to = accounts[(n * 3 + 1) % 8];
            const at = performance.now();
            const { postEntry } = await call(POST, { input: transfer(`${label}-${n}`, from, to === from ? accounts[(n + 1) % 8] : to, `${1 + (n % 97)}.${String(n % 100).padStart(2, '0')}`) });
            latencies.push(performance.now() - at);
            outcomes.set(postEntry.__typename, (outcomes.get(postEntry.__typename) ?? 0) + 1);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const booked = outcomes.get('PostEntrySuccess') ?? 0;
      const perPost = (statements.count - statementsBefore) / count;
      return { seconds, booked, outcomes, perPost, p50: latencies[Math.floor(latencies.length / 2)], p99: latencies[Math.floor(latencies.length * 0.99)] };
    };

    await run('warm-up', Math.min(200, POSTS));
    const result = await run('measured', POSTS);
    const [{ fsync, synchronous_commit }] = await db.query(`SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit`);
    process.stdout.write(
      [
        `posting rate: ${(result.booked / result.seconds).toFixed(0)} entries/s`,
        `  ${result.booked} entries booked by ${WRITERS} concurrent writers in ${result.seconds.toFixed(2)} s (one neighbourhood, 8 accounts, pool ${POOL})`,
        `  latency per post: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms; ${result.perPost.toFixed(1)} SQL statements per post`,
        `  outcomes: ${[...result.outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`,
        `  PostgreSQL: fsync ${fsync}, synchronous_commit ${synchronous_commit}`,
        '',
      ].join('\n'),
    );
  } finally {
    await server.stop();
    await running.stop();
    await db.destroy();
    await database.drop();
    await teardownServer();
  }
}

main().catch((error) => {
  process.stderr.write(`posting-rate failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
