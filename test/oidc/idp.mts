/**
 * A stand-in for a municipality's OpenID Connect provider in the tests: `oidc-provider` (the
 * maintained Node implementation) with one public client, the authorization-code flow with PKCE,
 * and the signing keys it is given. The login screen is where a person would type their user name;
 * here GET /interaction/<uid>?login=<user> is that form posted. Run as its own process
 * (`node --import tsx test/oidc/idp.mts`), restarted with other keys to rotate them, as a real
 * IdP's keys rotate while the gateway keeps running.
 *
 * Environment: IDP_PORT, IDP_ISSUER, IDP_CLIENT_ID, IDP_REDIRECT_URI, IDP_JWKS (a private JWK set,
 * the first key of an algorithm signs), IDP_ID_TOKEN_ALG (RS256 or ES256).
 */
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const provider = new Provider(env('IDP_ISSUER'), {
  clients: [
    {
      client_id: env('IDP_CLIENT_ID'),
      redirect_uris: [env('IDP_REDIRECT_URI')],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: env('IDP_ID_TOKEN_ALG') as 'RS256' | 'ES256',
    },
  ],
  jwks: JSON.parse(env('IDP_JWKS')),
  cookies: { keys: ['stand-in-idp-cookie-key-0123456789'] },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  pkce: { required: () => true, methods: ['S256'] },
});

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://idp');
  if (!url.pathname.startsWith('/interaction/')) return provider.callback()(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      const user = url.searchParams.get('login');
      if (!user) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('login form: GET this page with ?login=<user name>');
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: user } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
    grant.addOIDCScope('openid');
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
  }
});
server.listen(Number(env('IDP_PORT')), '127.0.0.1', () => process.stdout.write(`idp ready on ${env('IDP_ISSUER')}\n`));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => server.close(() => process.exit(0)));
