import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testGatewayIdentityEnv } from '@dbwe/platform/testing';
import { stableId } from '@dbwe/platform';
import { startGatewayFor, startPlatform, TEST_JWT_SECRET, type RunningPlatform } from '../../../test/platform';
import { issueLocalToken } from '../identity';
import { readGatewayConfig } from '../config';
import type { Gateway } from '../gateway';

/*
 * An export can run for minutes (a million ledger lines take about a minute),
 * far longer than the identity assertion its request started with lives. The
 * exporter signs a fresh assertion for every page, so a long export is never
 * refused half-way by a subgraph. Here the assertions live 2 seconds and the
 * ledger answers each call 2.2 seconds late: the export's pages reach the
 * ledger after its request's first assertion has expired.
 */
const LEDGER_DELAY_MS = 2_200;

/** Forwards to the ledger subgraph at once and holds each answer back for a while. */
function slowAnswers(target: string): Promise<Server> {
  const url = new URL(target);
  const server = createServer((req, res) => {
    const upstream = request({ host: url.hostname, port: url.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () =>
        setTimeout(() => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(chunks));
        }, LEDGER_DELAY_MS),
      );
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('an export that outlives an identity assertion', () => {
  let platform: RunningPlatform;
  let proxy: Server;
  let gateway: Gateway;
  let gatewayUrl: string;
  beforeAll(async () => {
    platform = await startPlatform();
    proxy = await slowAnswers(platform.subgraphs.ledger.url);
    const ledger = { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql` };
    ({ gateway, gatewayUrl } = await startGatewayFor({ ...platform.subgraphs, ledger }, { INTERNAL_ASSERTION_TTL_SECONDS: '2' }));
  });
  afterAll(async () => {
    await gateway?.stop();
    await new Promise((resolve) => proxy?.close(resolve));
    await platform?.stop();
  });

  it('completes, with the same rows the fast gateway exports', async () => {
    const path = '/export/v1/neighbourhoods/spijkerkwartier/ledger_lines.csv';
    const started = Date.now();
    const slow = await fetch(new URL(path, gatewayUrl));
    const body = await slow.text();
    // The checkpoint and at least one page each waited for the ledger: longer than the assertion lives.
    expect(Date.now() - started).toBeGreaterThan(2 * LEDGER_DELAY_MS);
    expect(slow.status).toBe(200);
    const expected = await (await fetch(new URL(path, platform.gatewayUrl))).text();
    expect(body).toBe(expected);
    expect(body.split('\r\n').length).toBeGreaterThan(10);
  });

  it("stops a steward's export when their token expires part-way", async () => {
    // The token (1 to 2 s left when sent) outlives the first ledger call (the checkpoint), not the 2.2 s until the first page.
    const steward = await issueLocalToken(TEST_JWT_SECRET, {
      memberId: stableId('member:Penningmeester Pieter'),
      roles: [{ role: 'steward', neighbourhood: stableId('neighbourhood:spijkerkwartier') }],
      expiresIn: '2s',
    });
    // No partial file looks whole: when the token runs out before the first row was written (the CSV writer sends
    // the header with the first row), the answer is a 401 problem; once rows have gone out, the connection is cut.
    const outcome = await fetch(new URL('/export/v1/neighbourhoods/spijkerkwartier/ledger_lines.csv', gatewayUrl), { headers: { authorization: `Bearer ${steward}` } })
      .then(async (response) => {
        const body = await response.text();
        return response.status === 401 && /ERR_JWT_EXPIRED/.test(body) ? 'refused' : `complete (${response.status})`;
      })
      .then(
        (answer) => answer,
        () => 'cut off',
      );
    expect(['refused', 'cut off']).toContain(outcome);
    // The same export with a token that lasts gets every row.
    const lasting = await issueLocalToken(TEST_JWT_SECRET, { memberId: stableId('member:Penningmeester Pieter'), roles: [] });
    const whole = await fetch(new URL('/export/v1/neighbourhoods/spijkerkwartier/ledger_lines.csv', gatewayUrl), { headers: { authorization: `Bearer ${lasting}` } });
    expect((await whole.text()).split('\r\n').length).toBeGreaterThan(10);
  });

  it('refuses a lifetime the subgraphs would not accept', () => {
    expect(() => readGatewayConfig({ ...testGatewayIdentityEnv(), INTERNAL_ASSERTION_TTL_SECONDS: '600' })).toThrow(
      /INTERNAL_ASSERTION_TTL_SECONDS/,
    );
  });
});
