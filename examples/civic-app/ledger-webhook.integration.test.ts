import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { defaultAccountId } from '@dbwe/ledger/src/accounts/default-chart';
import { startPlatform, type RunningPlatform } from '../../test/platform';
import { demoMember, SPIJKERKWARTIER } from '../../test/people';
import { waitFor } from '../../test/reliability/processes';

/*
 * The webhook example as a civic app developer runs it: spawned as its own
 * process against the real gateway, it registers a webhook through the graph,
 * and prints each ledger entry the treasurer posts afterwards, from signed
 * deliveries it verifies. Private addresses are allowed here, as for local
 * development: the example listens on 127.0.0.1. After two entries it deletes
 * its subscription and exits.
 */
const app = __dirname;
const account = (code: string) => defaultAccountId(SPIJKERKWARTIER, code);

describe('examples/civic-app: new ledger entries by webhook', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphEnv: { WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'true' } });
  });
  afterAll(() => platform?.stop());

  it('prints each entry as it is posted, then unsubscribes', async () => {
    const member = demoMember('Fietsende Fenna');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/ledger-webhook.ts', 'spijkerkwartier', '--count', '2'], {
      cwd: app,
      env: { ...process.env, GRAPH_URL: platform.gatewayUrl, DBWE_TOKEN: await platform.token(member, [{ role: 'resident', neighbourhood: SPIJKERKWARTIER }]) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await waitFor('the example to subscribe', async () => stdout.includes('Listening for new entries in Spijkerkwartier'), 30_000, 100);

      const steward = await platform.token(demoMember('Penningmeester Pieter'), [{ role: 'steward', neighbourhood: SPIJKERKWARTIER }]);
      const sequences: number[] = [];
      for (const [amount, description] of [['12.50', 'Bijdrage buurtfeest'], ['7.25', 'Verkoop koffie']]) {
        const { body } = await platform.query<any>(
          `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename ... on PostEntrySuccess { entry { sequence } } } }`,
          {
            input: {
              neighbourhoodId: SPIJKERKWARTIER,
              idempotencyKey: randomUUID(),
              bookingDate: '2026-12-01',
              description,
              lines: [
                { accountId: account('1000'), side: 'DEBIT', amount, unit: 'EUR' },
                { accountId: account('8200'), side: 'CREDIT', amount, unit: 'EUR' },
              ],
            },
          },
          { token: steward },
        );
        expect(body.data.postEntry.__typename).toBe('PostEntrySuccess');
        sequences.push(body.data.postEntry.entry.sequence);
      }
      expect(await exited).toBe(0);
      const lines = stdout.trimEnd().split('\n');
      // Webhooks promise no order (docs/events.md): each entry once, in whichever order they came.
      expect(lines.slice(1).sort()).toEqual([
        `#${sequences[0]} 2026-12-01 Bijdrage buurtfeest: 12.50 EUR to 1000 Bankrekening`,
        `#${sequences[1]} 2026-12-01 Verkoop koffie: 7.25 EUR to 1000 Bankrekening`,
      ].sort());
      expect(stderr).toBe('');
      const left = await platform.subgraphs.community.admin.query(`SELECT count(*)::int AS n FROM community.webhook_subscription WHERE member_id = $1`, [member]);
      expect(left).toEqual([{ n: 0 }]);
    } finally {
      child.kill();
    }
  }, 90_000);
});
