/**
 * Prints a bearer token for local development: `npm run token -- --role steward
 * --neighbourhood spijkerkwartier --member "Penningmeester Pieter"`. Signed with
 * the local secret that `npm start` keeps in .data/secrets.json.
 */
import { parseArgs } from 'node:util';
import { isRole, stableId, ROLES, type RoleGrant } from '@dbwe/platform';
import { issueLocalToken } from '../gateway/src/identity';
import { localSecrets } from './local-env';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const usage = `usage: npm run token -- --member <id | demo display name> [--role <${ROLES.join('|')}> --neighbourhood <slug | id | *>]... [--expires 12h]

Examples:
  npm run token -- --member "Fietsende Fenna" --role resident --neighbourhood spijkerkwartier
  npm run token -- --member "Penningmeester Pieter" --role steward --neighbourhood spijkerkwartier
  npm run token -- --member "Beleidsadviseur Joris" --role official --neighbourhood spijkerkwartier
Roles and neighbourhoods pair up in order; repeat them for several grants.
A neighbourhood slug is looked up through the running gateway (GATEWAY_URL, default http://127.0.0.1:4000/).`;

async function neighbourhoodId(value: string, gatewayUrl: string): Promise<string> {
  if (value === '*' || UUID.test(value)) return value;
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'query ($slug: String!) { neighbourhood(slug: $slug) { id } }', variables: { slug: value } }),
  }).catch(() => null);
  if (!response) throw new Error(`cannot reach the gateway at ${gatewayUrl} to look up "${value}"; start it (npm start) or pass the neighbourhood id`);
  const body = (await response.json()) as { data?: { neighbourhood: { id: string } | null } };
  const id = body.data?.neighbourhood?.id;
  if (!id) throw new Error(`no neighbourhood with slug "${value}"`);
  return id;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      member: { type: 'string' },
      role: { type: 'string', multiple: true, default: [] },
      neighbourhood: { type: 'string', multiple: true, default: [] },
      expires: { type: 'string', default: '12h' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.member) {
    console.log(usage);
    process.exit(values.help ? 0 : 2);
  }
  if (values.role.length !== values.neighbourhood.length) throw new Error('give one --neighbourhood for every --role');
  const gatewayUrl = process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000/';
  const roles: RoleGrant[] = [];
  for (const [i, role] of values.role.entries()) {
    if (!isRole(role)) throw new Error(`unknown role "${role}"; one of ${ROLES.join(', ')}`);
    roles.push({ role, neighbourhood: await neighbourhoodId(values.neighbourhood[i], gatewayUrl) });
  }
  const memberId = UUID.test(values.member) ? values.member : stableId(`member:${values.member}`);
  const secret = process.env.JWT_SECRET ?? localSecrets().JWT_SECRET;
  console.log(await issueLocalToken(secret, { memberId, roles, expiresIn: values.expires }));
}

main().catch((error) => {
  console.error(`token: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
