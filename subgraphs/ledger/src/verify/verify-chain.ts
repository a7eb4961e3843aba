/**
 * Re-checks a neighbourhood's hash chain using nothing but the public GraphQL
 * API, the way any third party could (docs/ledger-hash.md).
 *
 *   node --import tsx subgraphs/ledger/src/verify/verify-chain.ts <graph URL> <neighbourhood slug or id>
 *
 * Exit code 0: the chain is valid; 1: it is not (the first bad sequence is
 * printed); 2: it could not be checked.
 */
import { GENESIS_HASH, checkChainLink, type ChainProblem, type HashableEntry } from '../entries/entry-hash';

interface ApiEntry {
  id: string;
  sequence: number;
  bookingDate: string;
  recordedAt: string;
  description: string;
  evidenceUrl: string | null;
  previousHash: string;
  hash: string;
  neighbourhood: { id: string };
  project: { id: string } | null;
  member: { id: string } | null;
  recordedBy: { id: string } | null;
  reverses: { id: string } | null;
  lines: {
    position: number;
    account: { id: string };
    amount: { minorUnits: string; unit: string };
    counterparty: { member: { id: string } | null; domain: string | null; name: string | null } | null;
  }[];
}

interface ChainPage {
  neighbourhood: {
    id: string;
    chainHead: { sequence: number; hash: string } | null;
    ledgerEntries: { edges: { node: ApiEntry }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  } | null;
}

const CHAIN_QUERY = `
  query Chain($id: ID, $slug: String, $after: String) {
    neighbourhood(id: $id, slug: $slug) {
      id
      chainHead { sequence hash }
      ledgerEntries(first: 50, after: $after) {
        edges { node {
          id sequence bookingDate recordedAt description evidenceUrl previousHash hash
          neighbourhood { id } project { id } member { id } recordedBy { id } reverses { id }
          lines { position account { id } amount { minorUnits unit } counterparty { member { id } domain name } }
        } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;

export interface ApiVerification {
  valid: boolean;
  entriesChecked: number;
  headSequence: number;
  headHash: string;
  firstBad: ChainProblem | null;
}

export class VerifierError extends Error {
  override name = 'VerifierError';
}

/** What the hash covers, read from the API's answer. */
export function hashableFromApi(e: ApiEntry): HashableEntry {
  return {
    id: e.id,
    neighbourhoodId: e.neighbourhood.id,
    sequence: e.sequence,
    bookingDate: e.bookingDate,
    recordedAt: e.recordedAt,
    description: e.description,
    projectId: e.project?.id ?? null,
    memberId: e.member?.id ?? null,
    evidenceUrl: e.evidenceUrl,
    recordedBy: e.recordedBy?.id ?? null,
    reversesId: e.reverses?.id ?? null,
    lines: [...e.lines]
      .sort((a, b) => a.position - b.position)
      .map((l) => ({
        accountId: l.account.id,
        unit: l.amount.unit,
        minorUnits: l.amount.minorUnits,
        counterpartyMemberId: l.counterparty?.member?.id ?? null,
        counterpartyDomain: l.counterparty?.domain ?? null,
        counterpartyName: l.counterparty?.name ?? null,
      })),
  };
}

async function fetchPage(url: string, variables: Record<string, unknown>): Promise<ChainPage> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: CHAIN_QUERY, variables }),
    });
  } catch (error) {
    throw new VerifierError(`cannot reach ${url}: ${(error as Error).message}`);
  }
  const text = await response.text();
  let body: { data?: ChainPage; errors?: { message: string }[] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new VerifierError(`${url} answered HTTP ${response.status} without JSON`);
  }
  if (body.errors?.length) throw new VerifierError(`the API refused the query: ${body.errors.map((e) => e.message).join('; ')}`);
  if (!body.data) throw new VerifierError(`${url} answered HTTP ${response.status} without data`);
  return body.data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Pages through the whole chain and recomputes every hash. */
export async function verifyChainThroughApi(url: string, neighbourhood: string): Promise<ApiVerification> {
  const which = UUID.test(neighbourhood) ? { id: neighbourhood } : { slug: neighbourhood };
  const state = { expectedSequence: 1, previousHash: GENESIS_HASH };
  let head: { sequence: number; hash: string } | null = null;
  let hashAtHead: string | null = null;
  let checked = 0;
  let after: string | null = null;
  const result = (firstBad: ChainProblem | null): ApiVerification => ({
    valid: firstBad === null,
    entriesChecked: checked,
    headSequence: head?.sequence ?? 0,
    headHash: head?.hash ?? GENESIS_HASH,
    firstBad,
  });

  for (;;) {
    const page = await fetchPage(url, { ...which, after });
    if (!page.neighbourhood) throw new VerifierError(`no neighbourhood ${neighbourhood} at ${url}`);
    // The head as first seen: entries booked while we read are checked too, but the head must be in the chain.
    head ??= page.neighbourhood.chainHead;
    if (!head) throw new VerifierError(`the books of ${neighbourhood} are not open`);
    for (const { node } of page.neighbourhood.ledgerEntries.edges) {
      checked++;
      const problem = checkChainLink(state, { ...hashableFromApi(node), previousHash: node.previousHash, hash: node.hash });
      if (problem) return result(problem);
      if (node.sequence === head.sequence) hashAtHead = node.hash;
    }
    const { hasNextPage, endCursor } = page.neighbourhood.ledgerEntries.pageInfo;
    if (!hasNextPage) break;
    after = endCursor;
  }
  if (head && head.sequence > 0 && hashAtHead !== head.hash) {
    const sequence = Math.min(head.sequence, state.expectedSequence);
    return result({ sequence, problem: `the chain head says entry ${head.sequence} has hash ${head.hash}; the entries do not` });
  }
  return result(null);
}

async function main(argv: string[]): Promise<number> {
  const [url, neighbourhood] = argv;
  if (!url || !neighbourhood) {
    process.stderr.write('usage: verify-chain <graph URL> <neighbourhood slug or id>\n');
    return 2;
  }
  try {
    const outcome = await verifyChainThroughApi(url, neighbourhood);
    if (outcome.valid) {
      process.stdout.write(
        `valid: ${outcome.entriesChecked} entries checked; head is entry ${outcome.headSequence} with hash ${outcome.headHash}\n`,
      );
      return 0;
    }
    process.stdout.write(`INVALID: first bad sequence ${outcome.firstBad!.sequence}: ${outcome.firstBad!.problem} (${outcome.entriesChecked} entries checked)\n`);
    return 1;
  } catch (error) {
    if (!(error instanceof VerifierError)) throw error;
    process.stderr.write(`cannot verify: ${error.message}\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`verify-chain failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(2);
    },
  );
}
