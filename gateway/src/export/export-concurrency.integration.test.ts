import { stableId } from '@dbwe/platform';
import { freePort, launch, memoryOf, stop, waitReady, type Service } from '../../../bench/processes';
import { gatewayEnvFor, startGatewayFor, startPlatform, type RunningPlatform } from '../../../test/platform';
import { GATEWAY_NODE_FLAGS } from '../config';
import type { Gateway } from '../gateway';

/*
 * Table downloads are capped per client and in all (EXPORT_CONCURRENCY_PER_CLIENT = 2,
 * EXPORT_CONCURRENCY_TOTAL = 8): more get 429 with Retry-After, and the gateway's memory stays
 * bounded however many clients ask at once. The books hold the demo entries and 100 more of 20
 * lines each, so a ledger_lines.csv is some 2,000 rows. Subgraph calls may take a minute here:
 * on a busy machine thirty downloads at once are slow, and a cut-off one would prove nothing.
 */
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const pieter = stableId('member:Penningmeester Pieter');
const account = (code: string) => stableId(`account:${spijkerkwartier}:${code}`);
const MiB = 2 ** 20;
const SLOW_MACHINE = '60000';

describe('gateway: table downloads at once', () => {
  let platform: RunningPlatform;
  const extra: Gateway[] = [];
  let capped: string;

  beforeAll(async () => {
    platform = await startPlatform();
    const steward = { memberId: pieter, roles: [{ role: 'steward' as const, neighbourhood: spijkerkwartier }] };
    for (let i = 0; i < 100; i++) {
      const lines = Array.from({ length: 10 }, (_, j) => [
        { accountId: account('4900'), side: 'DEBIT', amount: `${j + 1}.00`, unit: 'EUR' },
        { accountId: account('8000'), side: 'CREDIT', amount: `${j + 1}.00`, unit: 'EUR' },
      ]).flat();
      const { data, errors } = await platform.subgraphs.ledger.execute<any>(
        `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename } }`,
        { input: { neighbourhoodId: spijkerkwartier, idempotencyKey: `bulk-${i}`, bookingDate: '2026-11-20', description: `Inkoop ${i}`, lines } },
        steward,
      );
      if (errors || data.postEntry.__typename !== 'PostEntrySuccess') throw new Error(JSON.stringify(errors ?? data));
    }
    // One proxy in front: each request names its client in X-Forwarded-For.
    const one = await startGatewayFor(platform.subgraphs, { TRUST_PROXY_HOPS: '1', SUBGRAPH_TIMEOUT_MS: SLOW_MACHINE });
    extra.push(one.gateway);
    capped = one.gatewayUrl;
  }, 240_000);
  afterAll(async () => {
    for (const gateway of extra) await gateway.stop();
    await platform.stop();
  });

  const path = '/export/v1/neighbourhoods/spijkerkwartier/ledger_lines.csv';
  const download = async (url: string, client: string) => {
    const response = await fetch(new URL(path, url), { headers: { 'x-forwarded-for': client } });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), type: response.headers.get('content-type'), body: await response.text() };
  };

  it('refuses a third download from one client with 429 and Retry-After, while two run', async () => {
    const answers = await Promise.all([1, 2, 3, 4].map(() => download(capped, '203.0.113.1')));
    const served = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    expect(served.length).toBeLessThanOrEqual(2);
    expect(served.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBe(4 - served.length);
    for (const answer of refused) {
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      expect(answer.type).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(answer.body).detail).toMatch(/At most 2 table downloads at once per client/);
    }
    // Another client is not held up by the first one's downloads; once they are done, the first is served again.
    expect((await download(capped, '203.0.113.2')).status).toBe(200);
    expect((await download(capped, '203.0.113.1')).status).toBe(200);
  });

  it('refuses a ninth download at once from all clients together', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => download(capped, `192.0.2.${i + 10}`)));
    const served = answers.filter((a) => a.status === 200);
    expect(served.length).toBeGreaterThanOrEqual(1);
    expect(served.length).toBeLessThanOrEqual(8);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBe(12 - served.length);
    for (const answer of refused) expect(JSON.parse(answer.body).detail).toMatch(/\(8 in all\)/);
  });

  /** A gateway process of its own (as deployed, with its Node flags) in front of the test's subgraphs, for its memory figures. */
  async function gatewayProcess(name: string, env: Record<string, string>): Promise<Service & { gatewayUrl: string }> {
    const port = await freePort();
    const gatewayUrl = `http://127.0.0.1:${port}/`;
    const settings = gatewayEnvFor(platform.subgraphs, { NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(port), TRUST_PROXY_HOPS: '1', SUBGRAPH_TIMEOUT_MS: SLOW_MACHINE, ...env });
    const service = launch(name, 'gateway/src/main.ts', settings, gatewayUrl, GATEWAY_NODE_FLAGS);
    processes.push(service);
    await waitReady(service, new URL('/health', gatewayUrl).href);
    return { ...service, gatewayUrl };
  }
  const processes: Service[] = [];
  afterAll(async () => {
    for (const service of processes) await stop(service);
  });

  /**
   * 30 clients who each download ledger_lines.csv at once, asking again 50 ms after a 429: the
   * downloads that came whole, and the gateway process's resident set before and at its peak.
   */
  async function thirtyClients(gateway: Service & { gatewayUrl: string }, expected: string) {
    const before = memoryOf(gateway.process.pid!).rssMiB;
    let refusals = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        for (;;) {
          const answer = await download(gateway.gatewayUrl, `198.51.100.${i + 1}`).catch(() => null);
          if (answer?.status === 429) {
            refusals++;
            await new Promise((resolve) => setTimeout(resolve, 50));
            continue;
          }
          return answer?.status === 200 && answer.body === expected ? 'whole' : 'cut off';
        }
      }),
    );
    return { whole: outcomes.filter((o) => o === 'whole').length, refusals, beforeMiB: before, peakMiB: memoryOf(gateway.process.pid!).peakMiB };
  }

  it('serves 30 parallel clients, at most 8 at a time, each the whole file, in bounded memory', async () => {
    const expected = (await download(capped, '192.0.2.1')).body;
    const rows = expected.split('\r\n').length - 2;
    expect(rows).toBeGreaterThan(2_000);
    const withCap = await thirtyClients(await gatewayProcess('gateway-capped', {}), expected);
    expect(withCap.whole).toBe(30);
    expect(withCap.refusals).toBeGreaterThan(0);
    // The same 30 without the cap, for the figure: all at once (on a busy machine some may be cut off by the subgraph timeout).
    const withoutCap = await thirtyClients(await gatewayProcess('gateway-uncapped', { EXPORT_CONCURRENCY_PER_CLIENT: '30', EXPORT_CONCURRENCY_TOTAL: '30' }), expected);
    expect(withoutCap.refusals).toBe(0);
    console.log(
      `30 parallel ledger_lines.csv (${rows} rows, ${(expected.length / MiB).toFixed(2)} MiB each), gateway process RSS before → peak: ` +
        `${withCap.beforeMiB.toFixed(0)} → ${withCap.peakMiB.toFixed(0)} MiB with the cap of 8 (${withCap.refusals} × 429, ${withCap.whole}/30 whole), ` +
        `${withoutCap.beforeMiB.toFixed(0)} → ${withoutCap.peakMiB.toFixed(0)} MiB without (${withoutCap.whole}/30 whole)`,
    );
    // The figure without a cap, on a larger book: 480 MiB.
    expect(withCap.peakMiB).toBeLessThan(480);
  }, 600_000);
});
