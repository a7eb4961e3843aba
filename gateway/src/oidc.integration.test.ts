import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type JWK } from 'jose';
import { startPlatform, type RunningPlatform } from '../../test/platform';
import { derivedMemberId } from './identity';
import { stableId } from '@dbwe/platform';

/*
 * A real OpenID Connect provider in the loop: `oidc-provider` as a stand-in municipal IdP
 * (test/oidc/idp.mts), a person logging in through its discovery document with the
 * authorization-code flow and PKCE, and the gateway verifying the ID tokens from the IdP's JWKS.
 * The IdP's keys rotate while the gateway runs: RSA first, then an EC key beside it (ES256 tokens),
 * then the RSA key retired. Every request that should pass passes; a token of the retired key and
 * one of another issuer are refused. The IdP's subject is not a member id: the gateway derives one
 * (JWT_SUBJECTS=derived), and the person registers with it and acts.
 */
const root = join(__dirname, '..', '..');
const CLIENT_ID = 'dbwe-civic-app';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const SUBJECT_KEY = 'identity-subject-key-for-the-oidc-test-0123456789';
const spijkerkwartier = stableId('neighbourhood:spijkerkwartier');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function signingKey(alg: 'RS256' | 'ES256', kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
}

class StandInIdp {
  private process: ChildProcess | null = null;
  constructor(
    readonly port: number,
    readonly issuer: string,
  ) {}

  /** (Re)starts the IdP with these keys, the first of the token's algorithm signing. */
  async start(keys: JWK[], idTokenAlg: 'RS256' | 'ES256'): Promise<void> {
    await this.stop();
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/oidc/idp.mts'], {
      cwd: root,
      env: {
        ...process.env,
        IDP_PORT: String(this.port),
        IDP_ISSUER: this.issuer,
        IDP_CLIENT_ID: CLIENT_ID,
        IDP_REDIRECT_URI: REDIRECT_URI,
        IDP_JWKS: JSON.stringify({ keys }),
        IDP_ID_TOKEN_ALG: idTokenAlg,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.process = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the IdP did not start: ${output}`)), 60_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('idp ready')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`the IdP exited (${code}): ${output}`)));
    });
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.process = null;
  }
}

/** A browser's cookie jar, for one IdP. */
class Cookies {
  private readonly jar = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      this.jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }
  header(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * Logs `user` in as a civic app in a browser would: discovery, the authorization request with
 * PKCE, the IdP's login and consent, the redirect back with a code, the code for tokens.
 */
async function logIn(issuer: string, user: string): Promise<string> {
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { authorization_endpoint: string; token_endpoint: string };
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = new URL(discovery.authorization_endpoint);
  for (const [k, v] of Object.entries({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', state: 's1', nonce: 'n1' })) {
    authorize.searchParams.set(k, v);
  }
  const cookies = new Cookies();
  let next = authorize.toString();
  for (let hop = 0; hop < 10; hop++) {
    const url = new URL(next, issuer);
    if (url.toString().startsWith(REDIRECT_URI)) {
      const code = url.searchParams.get('code');
      if (!code) throw new Error(`the IdP sent no code: ${url}`);
      const tokens = await fetch(discovery.token_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, code_verifier: verifier }),
      });
      const body = (await tokens.json()) as { id_token?: string; error?: string };
      if (!body.id_token) throw new Error(`no ID token: ${JSON.stringify(body)}`);
      return body.id_token;
    }
    // The login form, filled in and sent: here a query parameter stands for the typed user name.
    if (url.pathname.startsWith('/interaction/') && !url.searchParams.has('login')) url.searchParams.set('login', user);
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: cookies.header() } });
    cookies.take(response);
    await response.arrayBuffer();
    const location = response.headers.get('location');
    if (!location) throw new Error(`the IdP stopped at ${url} with ${response.status}`);
    next = location;
  }
  throw new Error('too many redirects');
}

describe('gateway: a real OpenID Connect provider, with its keys rotated mid-test', () => {
  let platform: RunningPlatform;
  let idp: StandInIdp;
  let rsa: JWK;
  let ec: JWK;
  const counts = { shouldPass: 0, passed: 0, refusedAsExpected: 0 };

  beforeAll(async () => {
    const port = await freePort();
    idp = new StandInIdp(port, `http://127.0.0.1:${port}`);
    rsa = await signingKey('RS256', 'arnhem-rsa-1');
    ec = await signingKey('ES256', 'arnhem-ec-1');
    await idp.start([rsa], 'RS256');
    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string; issuer: string };
    platform = await startPlatform({
      env: {
        JWT_SECRET: '',
        JWT_JWKS_URL: discovery.jwks_uri,
        JWT_ISSUER: discovery.issuer,
        JWT_AUDIENCE: CLIENT_ID,
        JWT_SUBJECTS: 'derived',
        IDENTITY_SUBJECT_KEY: SUBJECT_KEY,
        // Short, so the retired key is noticed within the test; an unknown key id fetches the set at once.
        JWT_JWKS_MAX_AGE_SECONDS: '2',
        JWT_JWKS_COOLDOWN_SECONDS: '0',
      },
    });
  });
  afterAll(async () => {
    await platform?.stop();
    await idp?.stop();
    process.stdout.write(`oidc: ${JSON.stringify(counts)}\n`);
  });

  const whoAmI = `{ whoAmI { memberId member { displayName } } }`;
  const register = `mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { __typename } }`;
  const asks = async (token: string) => {
    counts.shouldPass++;
    const answer = await platform.query<{ whoAmI: { memberId: string; member: { displayName: string } | null } }>(whoAmI, {}, { token });
    if (answer.status === 200 && !answer.body.errors) counts.passed++;
    return answer;
  };

  let rsaToken: string;
  let memberId: string;

  it('logs a person in with RS256 and maps the IdP subject to a member id, which registers and acts', async () => {
    rsaToken = await logIn(idp.issuer, 'fenna@arnhem.example');
    expect(decodeProtectedHeader(rsaToken)).toMatchObject({ alg: 'RS256', kid: 'arnhem-rsa-1' });
    const claims = decodeJwt(rsaToken);
    expect(claims.sub).toBe('fenna@arnhem.example');
    memberId = derivedMemberId(SUBJECT_KEY, idp.issuer, 'fenna@arnhem.example');
    const first = await asks(rsaToken);
    expect(first.body.data!.whoAmI).toEqual({ memberId, member: null });
    const registered = await platform.query<any>(register, { input: { neighbourhoodId: spijkerkwartier, displayName: 'Fenna via de gemeente', kind: 'PERSON', domain: 'CITIZEN', fullName: 'Fenna de Vries' } }, { token: rsaToken });
    expect(registered.body.data?.registerMember.__typename).toBe('RegisterMemberSuccess');
    expect((await asks(rsaToken)).body.data!.whoAmI.member).toEqual({ displayName: 'Fenna via de gemeente' });
    // The IdP's subject is nowhere in the graph's answer.
    expect(JSON.stringify((await asks(rsaToken)).body)).not.toContain('fenna@arnhem.example');
  });

  it('accepts ES256 tokens from a new key as soon as the IdP publishes it, and the RS256 token meanwhile', async () => {
    await idp.start([ec, rsa], 'ES256');
    const ecToken = await logIn(idp.issuer, 'fenna@arnhem.example');
    expect(decodeProtectedHeader(ecToken)).toMatchObject({ alg: 'ES256', kid: 'arnhem-ec-1' });
    for (const token of [ecToken, rsaToken, ecToken, rsaToken]) {
      const answer = await asks(token);
      expect(answer.status).toBe(200);
      expect(answer.body.data!.whoAmI.memberId).toBe(memberId);
    }
  });

  it('refuses a token of the retired key once the IdP stops publishing it, and keeps accepting the new one', async () => {
    await idp.start([ec], 'ES256');
    const ecToken = await logIn(idp.issuer, 'fenna@arnhem.example');
    await new Promise((r) => setTimeout(r, 2500));
    expect((await asks(ecToken)).status).toBe(200);
    const retired = await platform.query(whoAmI, {}, { token: rsaToken });
    expect(retired.status).toBe(401);
    counts.refusedAsExpected++;
    for (let i = 0; i < 5; i++) expect((await asks(ecToken)).status).toBe(200);
  });

  it("refuses a token from another issuer, even signed by a key the gateway's IdP publishes", async () => {
    const port = await freePort();
    const other = new StandInIdp(port, `http://127.0.0.1:${port}`);
    await other.start([ec], 'ES256');
    try {
      const foreign = await logIn(other.issuer, 'fenna@arnhem.example');
      const answer = await platform.query(whoAmI, {}, { token: foreign });
      expect(answer.status).toBe(401);
      counts.refusedAsExpected++;
    } finally {
      await other.stop();
    }
    expect(counts.passed).toBe(counts.shouldPass);
  });
});
