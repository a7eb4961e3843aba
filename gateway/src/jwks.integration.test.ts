import { createServer, type Server } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../test/platform';

/*
 * In production the gateway trusts the identity provider's key set (JWKS):
 * RS256/ES256 tokens signed by it are accepted, tokens signed by any other
 * key, or with the shared-secret algorithm, are not.
 */
describe('gateway with an identity provider (JWKS)', () => {
  let platform: RunningPlatform;
  let jwks: Server;
  let signing: CryptoKey;
  let stranger: CryptoKey;
  const fenna = stableId('member:Fietsende Fenna');

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    signing = pair.privateKey as CryptoKey;
    stranger = (await generateKeyPair('ES256')).privateKey as CryptoKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as { port: number };
    platform = await startPlatform({
      env: { JWT_SECRET: '', JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`, JWT_ISSUER: 'https://login.arnhem.example', JWT_AUDIENCE: 'dbwe-graph' },
    });
  });
  afterAll(async () => {
    await platform.stop();
    jwks.close();
  });

  const token = (key: CryptoKey, kid = 'idp-1') =>
    new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject(fenna)
      .setIssuer('https://login.arnhem.example')
      .setAudience('dbwe-graph')
      // Required since tokens have a maximum age (RFC 9068 access tokens always carry it).
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
  const me = (t: string) =>
    fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t}` },
      body: JSON.stringify({ query: `{ member(id: "${fenna}") { personalData { fullName } } }` }),
    });

  it("accepts a token signed by the provider's key", async () => {
    const response = await me(await token(signing));
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data.member.personalData.fullName).toBe('Fenna de Wit');
  });

  it('refuses a token signed by another key with the same key id', async () => {
    expect((await me(await token(stranger))).status).toBe(401);
  });

  it('refuses an HS256 token signed with the public key as secret (algorithm confusion)', async () => {
    const jwk = await exportJWK((await generateKeyPair('ES256')).publicKey);
    const forged = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256', kid: 'idp-1' })
      .setSubject(fenna)
      .setIssuer('https://login.arnhem.example')
      .setAudience('dbwe-graph')
      // Required since tokens have a maximum age (RFC 9068 access tokens always carry it).
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(jwk)));
    expect((await me(forged)).status).toBe(401);
  });
});
