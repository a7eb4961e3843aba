/**
 * Prints a neighbourhood's new ledger entries as they are posted, the way a
 * civic app learns of changes without polling: it registers a webhook
 * through the graph (as a signed-in member), receives the platform's signed
 * deliveries on a small HTTP server, checks each signature with the Standard
 * Webhooks library, and reads the entry itself from the graph. On Ctrl-C (or
 * after --count entries) it deletes its subscription again.
 *
 *   GRAPH_URL=http://localhost:4000/ DBWE_TOKEN=$(npm run -s token -- --member "Bewoner") \
 *   PUBLIC_URL=https://my-app.example/hooks node --import tsx src/ledger-webhook.ts spijkerkwartier
 *
 * PUBLIC_URL is where the platform can reach this program (it refuses
 * private and loopback addresses unless the installation allows them, as
 * `npm start` does not); LISTEN_PORT and LISTEN_HOST say where it listens
 * (default: any free port on 127.0.0.1, with PUBLIC_URL that address).
 */
import { createServer } from 'node:http';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Webhook } from 'standardwebhooks';
import { graphql } from './gql';

const ENTRY_POSTED = 'nl.dbwe.ledger.entry.posted';

const Neighbourhood = graphql(`
  query WebhookNeighbourhood($slug: String!) {
    neighbourhood(slug: $slug) { id name }
  }
`);

const Subscribe = graphql(`
  mutation SubscribeToEntries($input: CreateWebhookSubscriptionInput!) {
    createWebhookSubscription(input: $input) {
      __typename
      ... on CreateWebhookSubscriptionSuccess { secret subscription { id } }
      ... on CommunityError { code message }
    }
  }
`);

const Unsubscribe = graphql(`
  mutation Unsubscribe($id: ID!) {
    deleteWebhookSubscription(id: $id) { __typename }
  }
`);

const Entry = graphql(`
  query PostedEntry($id: ID!) {
    ledgerEntry(id: $id) {
      sequence
      bookingDate
      description
      lines { side account { code name } amount { amount unit } }
    }
  }
`);

/** Posts a typed operation; the result type follows from the document. */
async function request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables, token?: string): Promise<TResult> {
  const response = await fetch(process.env.GRAPH_URL ?? 'http://localhost:4000/', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: TResult; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`the graph answered: ${body.errors?.[0]?.message ?? response.status}`);
  return body.data;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const slug = args.find((a) => !a.startsWith('--'));
  const countAt = args.indexOf('--count');
  const stopAfter = countAt >= 0 ? Number(args[countAt + 1]) : Infinity;
  const token = process.env.DBWE_TOKEN;
  if (!slug || !token) throw new Error('usage: DBWE_TOKEN=<a member token> node --import tsx src/ledger-webhook.ts <neighbourhood slug> [--count N]');

  const { neighbourhood } = await request(Neighbourhood, { slug });
  if (!neighbourhood) throw new Error(`no neighbourhood "${slug}"`);

  let verifier: Webhook | null = null;
  const seen = new Set<string>();
  let printed = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let event: { id: string; type: string; data: { entryId: string } };
      try {
        if (!verifier) throw new Error('not subscribed yet');
        event = verifier.verify(body, {
          'webhook-id': String(req.headers['webhook-id']),
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        }) as typeof event;
      } catch (error) {
        console.error(`refused a delivery: ${(error as Error).message}`);
        res.writeHead(401).end();
        return;
      }
      try {
        // Deliveries come at least once: a retry has the same webhook-id.
        if (event.type === ENTRY_POSTED && !seen.has(event.id)) {
          const { ledgerEntry } = await request(Entry, { id: event.data.entryId });
          if (ledgerEntry) {
            seen.add(event.id);
            const debit = ledgerEntry.lines.find((l) => l.side === 'DEBIT');
            console.log(`#${ledgerEntry.sequence} ${ledgerEntry.bookingDate} ${ledgerEntry.description}: ${debit?.amount.amount} ${debit?.amount.unit} to ${debit?.account.code} ${debit?.account.name}`);
            if (++printed >= stopAfter) finish();
          }
        }
        res.writeHead(204).end();
      } catch (error) {
        // Answering 5xx has the platform deliver again later.
        console.error(`could not read the entry: ${(error as Error).message}`);
        res.writeHead(503).end();
      }
    });
  });
  const host = process.env.LISTEN_HOST ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(Number(process.env.LISTEN_PORT ?? 0), host, resolve));
  const port = (server.address() as { port: number }).port;
  const url = process.env.PUBLIC_URL ?? `http://${host}:${port}/hooks/dbwe`;

  const { createWebhookSubscription: created } = await request(Subscribe, { input: { neighbourhoodId: neighbourhood.id, url, eventTypes: [ENTRY_POSTED] } }, token);
  if (created.__typename !== 'CreateWebhookSubscriptionSuccess') {
    server.close();
    throw new Error(`the subscription was refused: ${'message' in created ? created.message : 'no reason given'}`);
  }
  verifier = new Webhook(created.secret);
  console.log(`Listening for new entries in ${neighbourhood.name} at ${url}`);

  process.once('SIGINT', finish);
  process.once('SIGTERM', finish);
  await done;
  await request(Unsubscribe, { id: created.subscription.id }, token);
  server.close();
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
