/**
 * `npm run keys`: a new Ed25519 key pair for the gateway's identity assertions
 * and one for each subgraph's own reads of the graph and events, as shell exports for
 * docker compose (`eval "$(npm run --silent keys)"`). Private keys go to one
 * service each; README, "Configuration", says which variable goes where.
 */
import { newEd25519KeyPair } from '../platform/src/ed25519';
import { SUBGRAPH_NAMES } from '../platform/src/identity';

const gateway = newEd25519KeyPair();
const lines = [`export GATEWAY_ASSERTION_PRIVATE_KEY=${gateway.seed} GATEWAY_ASSERTION_PUBLIC_KEY=${gateway.publicKey}`];
for (const name of SUBGRAPH_NAMES) {
  const own = newEd25519KeyPair();
  lines.push(`export ${name.toUpperCase()}_SERVICE_PRIVATE_KEY=${own.seed} ${name.toUpperCase()}_SERVICE_PUBLIC_KEY=${own.publicKey}`);
}
process.stdout.write(`${lines.join('\n')}\n`);
