import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, SignJWT } from 'jose';
import { ASSERTION_HEADER, requestBodyHash, SERVICE_ASSERTION_HEADER, signAssertion, signingKeyFromSeed, signServiceAssertion, stableId, type Viewer } from '@dbwe/platform';
import { runtimeUrlFor, TEST_GATEWAY_ASSERTION_KEY, testIdentityEnv } from '@dbwe/platform/testing';
import { eventTestEnv } from '@dbwe/platform/src/events/runtime';
import { ledgerServices } from '@dbwe/ledger/src/log/services';
import { startGatewayFor, startPlatform, TEST_JWT_SECRET, type RunningPlatform } from '../../test/platform';

/*
 * Who may speak for a member, and for how long (issue 17, "flat internal trust"). Before, one
 * HS256 secret shared by the gateway and every subgraph signed the identity assertions: the
 * ledger's environment could mint an admin for the community, a captured assertion worked for any
 * operation on any subgraph for 60 s, and tokens naming "anonymous", a non-UUID, a future or an
 * ancient iat were taken. Expected now: each of those is refused with 401, and the same requests
 * made the legitimate way are answered (so the refusal is the rule's doing).
 */
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');
const fenna = stableId('member:Fietsende Fenna');
const bram = stableId('member:Buurtkok Bram');
const admin: Viewer = { memberId: bram, roles: [{ role: 'admin', neighbourhood: spijkerkwartier }] };
const personalData = `query ($id: ID!) { member(id: $id) { displayName personalData { email } } }`;
const MAX_AGE = 3600;

function token(claims: { sub?: unknown; iat?: number; roles?: unknown } = {}) {
  // A subject that is not a string goes in as it is (setSubject takes strings only).
  return new SignJWT({ roles: claims.roles ?? [{ role: 'admin', neighbourhood: spijkerkwartier }], sub: (claims.sub ?? fenna) as string })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('dbwe-local')
    .setAudience('dbwe-graph')
    .setIssuedAt(claims.iat)
    .setExpirationTime(Math.floor(Date.now() / 1000) + 3600)
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

const now = () => Math.floor(Date.now() / 1000);

describe('tokens', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform({ seed: ['community'], env: { JWT_MAX_AGE_SECONDS: String(MAX_AGE) } });
  });
  afterAll(() => platform.stop());

  async function refusedWith(bearer: string, message: RegExp) {
    const before = platform.subgraphRequests();
    const { status, body } = await platform.query(personalData, { id: fenna }, { token: bearer });
    expect({ status, code: body.errors?.[0].extensions?.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect(body.errors![0].message).toMatch(message);
    expect(platform.subgraphRequests()).toBe(before);
  }

  it('refuses a subject that is not a member id, "anonymous" with roles included', async () => {
    await refusedWith(await token({ sub: 'anonymous' }), /subject \(sub\) must be a member id/);
    await refusedWith(await token({ sub: 'fenna' }), /subject \(sub\) must be a member id/);
    await refusedWith(await token({ sub: `${fenna}x` }), /subject \(sub\) must be a member id/);
    // Not a string at all: a list holding a member id, or a number.
    await refusedWith(await token({ sub: [fenna] }), /subject \(sub\) must be a member id/);
    await refusedWith(await token({ sub: 12 }), /subject \(sub\) must be a member id/);
  });

  it('refuses a token issued longer ago than JWT_MAX_AGE_SECONDS, whatever its exp says', async () => {
    await refusedWith(await token({ iat: now() - MAX_AGE - 120 }), /issued more than 3600 seconds ago/);
    const { body } = await platform.query<any>(personalData, { id: fenna }, { token: await token({ iat: now() - MAX_AGE + 120 }) });
    expect(body.data.member.personalData.email).toBe('fenna.de.wit@example.nl');
  });

  it('refuses a token issued in the future beyond a minute of clock skew', async () => {
    await refusedWith(await token({ iat: now() + 120 }), /issued in the future/);
    const { body } = await platform.query<any>(personalData, { id: fenna }, { token: await token({ iat: now() + 30 }) });
    expect(body.data.member.personalData.email).toBe('fenna.de.wit@example.nl');
  });

  it('compares ids in lower case on both sides: an upper-case member id or grant still holds', async () => {
    // Fenna's own personal data, her id in upper case in the token, her roles none.
    const own = await platform.query<any>(personalData, { id: fenna }, { token: await token({ sub: fenna.toUpperCase(), roles: [] }) });
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.member.personalData.email).toBe('fenna.de.wit@example.nl');
    // An admin grant naming the neighbourhood in upper case, asked about a member by a lower-case id.
    const granted = await platform.query<any>(personalData, { id: fenna }, {
      token: await token({ sub: bram, roles: [{ role: 'admin', neighbourhood: spijkerkwartier.toUpperCase() }] }),
    });
    expect(granted.body.errors).toBeUndefined();
    expect(granted.body.data.member.personalData.email).toBe('fenna.de.wit@example.nl');
  });
});

/** A proxy in front of a subgraph that keeps what the gateway sent it. */
async function recorder(target: string): Promise<{ url: string; seen: { headers: IncomingHttpHeaders; body: string }[]; server: Server }> {
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ headers: req.headers, body });
      const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, seen, server };
}

describe('assertions between the gateway and the subgraphs', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform({ seed: ['community'] });
  });
  afterAll(() => platform.stop());

  async function direct(subgraph: string, assertion: string, body: string) {
    const response = await fetch(platform.subgraphs[subgraph].url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [ASSERTION_HEADER]: assertion },
      body,
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions: { code: string } }[] } };
  }

  it("are not something a subgraph's whole environment can mint, for any member, on another subgraph", async () => {
    // Everything the ledger is started with here (as npm start and docker-compose give it the same kinds of values).
    const ledgerEnvironment: Record<string, string> = {
      ...testIdentityEnv('ledger'),
      ...ledgerServices.testEnv,
      ...eventTestEnv,
      DATABASE_URL: runtimeUrlFor(platform.subgraphs.ledger.adminUrl, 'ledger'),
    };
    const body = JSON.stringify({ query: personalData, variables: { id: fenna } });
    const claims = { roles: admin.roles, rid: 'minted', bh: requestBodyHash(body) };
    const attempts: { how: string; assertion: string }[] = [];
    for (const [name, value] of Object.entries(ledgerEnvironment)) {
      // As the old assertions were made: HS256 with a shared secret.
      const hs256 = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(bram).setIssuer('dbwe-gateway').setAudience('community');
      attempts.push({ how: `HS256 with ${name}`, assertion: await hs256.setIssuedAt().setExpirationTime('30s').sign(new TextEncoder().encode(value)) });
      let seed;
      try {
        seed = signingKeyFromSeed(value);
      } catch {
        continue;
      }
      attempts.push({ how: `EdDSA with ${name}`, assertion: await signAssertion(seed.privateKey, 'community', { viewer: admin, requestId: 'minted' }, body) });
      attempts.push({ how: `service assertion with ${name}`, assertion: await signServiceAssertion(seed.privateKey, 'ledger', body) });
    }
    expect(attempts.length).toBeGreaterThan(Object.keys(ledgerEnvironment).length);
    const answers = await Promise.all(attempts.map(async ({ how, assertion }) => ({ how, status: (await direct('community', assertion, body)).status })));
    expect(answers).toEqual(attempts.map(({ how }) => ({ how, status: 401 })));

    // The ledger's own key makes it the ledger at the gateway, reading as the public: no personal data.
    const ownKey = signingKeyFromSeed(ledgerEnvironment.SERVICE_ASSERTION_PRIVATE_KEY).privateKey;
    const asService = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SERVICE_ASSERTION_HEADER]: await signServiceAssertion(ownKey, 'ledger', body) },
      body,
    });
    const read = (await asService.json()) as { data: { member: { personalData: unknown } } };
    expect(read.data.member.personalData).toBeNull();

    // The gateway's key, which no subgraph holds, makes the same assertion that is accepted.
    const gatewayKey = signingKeyFromSeed(TEST_GATEWAY_ASSERTION_KEY).privateKey;
    const genuine = await direct('community', await signAssertion(gatewayKey, 'community', { viewer: admin, requestId: 'genuine' }, body), body);
    expect(genuine.status).toBe(200);
    expect(genuine.body.data.member.personalData.email).toBe('fenna.de.wit@example.nl');
  });

  it('refuse roles without a member, even signed by the gateway key', async () => {
    const body = JSON.stringify({ query: personalData, variables: { id: fenna } });
    const gatewayKey = signingKeyFromSeed(TEST_GATEWAY_ASSERTION_KEY).privateKey;
    const nobody = await signAssertion(gatewayKey, 'community', { viewer: { memberId: null, roles: admin.roles }, requestId: 'x' }, body);
    const { status, body: answer } = await direct('community', nobody, body);
    expect(status).toBe(401);
    expect(answer.errors![0].message).toBe('The assertion gives roles to nobody.');
  });

  it('captured on its way to one subgraph, are taken once: replayed, a mutation does not run again', async () => {
    const proxy = await recorder(platform.subgraphs.community.url);
    const { gateway, gatewayUrl } = await startGatewayFor({ ...platform.subgraphs, community: { url: proxy.url } });
    const title = `Replayed ${Date.now()}`;
    const wishesTitled = async () =>
      (await platform.subgraphs.community.admin.query(`SELECT id FROM community.wish WHERE title = $1`, [title])).length;
    try {
      const bearer = await token({ sub: fenna, roles: [{ role: 'resident', neighbourhood: spijkerkwartier }] });
      const posted = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify({
          query: `mutation ($input: PostWishInput!) { postWish(input: $input) { __typename } }`,
          variables: { input: { neighbourhoodId: spijkerkwartier, title, description: 'A bench by the school', themeIds: [] } },
        }),
      });
      expect(((await posted.json()) as any).data.postWish.__typename).toBe('PostWishSuccess');
      expect(await wishesTitled()).toBe(1);
      const captured = proxy.seen.find((s) => s.body.includes(title))!;

      // The very same request, within the assertion's 30 seconds, straight to the subgraph.
      const replayed = await direct('community', captured.headers[ASSERTION_HEADER] as string, captured.body);
      expect({ status: replayed.status, message: replayed.body.errors?.[0].message }).toEqual({ status: 401, message: 'The assertion was used before.' });
      expect(await wishesTitled()).toBe(1);
    } finally {
      await gateway.stop();
      await new Promise((resolve) => proxy.server.close(resolve));
    }
  });

  it('captured on its way to one subgraph, work neither for another operation nor on another subgraph', async () => {
    const proxy = await recorder(platform.subgraphs.community.url);
    const { gateway, gatewayUrl } = await startGatewayFor({ ...platform.subgraphs, community: { url: proxy.url } });
    try {
      const bearer = await token({ sub: bram, roles: admin.roles });
      const asked = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify({ query: personalData, variables: { id: fenna } }),
      });
      expect(((await asked.json()) as any).data.member.personalData.email).toBe('fenna.de.wit@example.nl');
      const captured = proxy.seen.find((s) => s.body.includes('personalData'))!;
      const assertion = captured.headers[ASSERTION_HEADER] as string;
      const claims = decodeJwt(assertion);
      expect({ aud: claims.aud, sub: claims.sub, lifetime: claims.exp! - claims.iat! }).toEqual({ aud: 'community', sub: bram, lifetime: 30 });

      // Replayed as it was: taken once already (the test above). The refusals below come first: the binding's doing.
      expect((await direct('community', assertion, captured.body)).body.errors?.[0].message).toBe('The assertion was used before.');
      // For another operation on the same subgraph: another member's personal data.
      const otherBody = captured.body.replace(fenna, stableId('member:Penningmeester Pieter'));
      expect(otherBody).not.toBe(captured.body);
      const replayed = await direct('community', assertion, otherBody);
      expect({ status: replayed.status, message: replayed.body.errors?.[0].message }).toEqual({ status: 401, message: 'The assertion was made for another request.' });
      // On the other subgraphs, with the very body it was made for.
      for (const subgraph of ['projects', 'ledger', 'impact']) {
        const elsewhere = await direct(subgraph, assertion, captured.body);
        expect({ subgraph, status: elsewhere.status, message: elsewhere.body.errors?.[0].message }).toEqual({
          subgraph,
          status: 401,
          message: 'The assertion was made for another service.',
        });
      }
    } finally {
      await gateway.stop();
      await new Promise((resolve) => proxy.server.close(resolve));
    }
  });
});
