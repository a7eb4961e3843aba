import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as dbweVerify } from '../verifier/src/cli';
import { percentile } from './load';

/**
 * The verifiable books on the benchmark city: how long a resident who kept
 * the deep neighbourhood's checkpoint of its first 1,000 entries waits for
 * the independent verifier to prove, through the gateway, that everything
 * since is an extension of it, and that its oldest entry is in the newest
 * checkpoint (`dbwe-verify check --quick --checkpoint … --entry 1`), and what
 * the two proof requests cost on their own.
 */
export interface LogProofResults {
  neighbourhood: string;
  keptSize: number;
  newestSize: number;
  consistencyHashes: number;
  inclusionHashes: number;
  /** p50 of 20 requests each, one at a time, through our gateway. */
  consistencyP50Ms: number;
  inclusionP50Ms: number;
  /** Wall time of each whole verifier run (fresh checkpoint, signatures, consistency, inclusion). */
  verifierMs: number[];
  verdict: string;
}

const REQUESTS = 20;
const VERIFIER_RUNS = 5;

async function graphql<T>(url: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`the graph refused: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export async function measureLogProofs(gatewayUrl: string, slug: string): Promise<LogProofResults> {
  type Log = { checkpoints: { edges: { node: { size: number; note: string } }[] }; size: number };
  const { neighbourhood } = await graphql<{ neighbourhood: { id: string; transparencyLog: Log } }>(
    gatewayUrl,
    `query ($slug: String!) { neighbourhood(slug: $slug) { id transparencyLog { size checkpoints(first: 100) { edges { node { size note } } } } } }`,
    { slug },
  );
  // The seed signs the deep neighbourhood's log after its first 1,000 entries and at its full size: the oldest is the kept one.
  const kept = neighbourhood.transparencyLog.checkpoints.edges.map((e) => e.node).sort((a, b) => a.size - b.size)[0];
  const { ledgerEntries } = (
    await graphql<{ neighbourhood: { ledgerEntries: { edges: { node: { leafIndex: number } }[] } } }>(
      gatewayUrl,
      `query ($slug: String!) { neighbourhood(slug: $slug) { ledgerEntries(first: 1) { edges { node { leafIndex } } } } }`,
      { slug },
    )
  ).neighbourhood;
  const oldestLeaf = ledgerEntries.edges[0].node.leafIndex;

  const timed = async (query: string, variables: Record<string, unknown>) => {
    const times: number[] = [];
    let hashes = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const started = performance.now();
      const data = await graphql<{ neighbourhood: { transparencyLog: Record<string, { hashes: string[] }> } }>(gatewayUrl, query, variables);
      times.push(performance.now() - started);
      hashes = Object.values(data.neighbourhood.transparencyLog)[0].hashes.length;
    }
    return { p50: percentile(Float64Array.from(times).sort(), 50), hashes };
  };
  const consistency = await timed(
    `query ($slug: String!, $from: Int!) { neighbourhood(slug: $slug) { transparencyLog { consistencyProof(fromSize: $from) { hashes } } } }`,
    { slug, from: kept.size },
  );
  const inclusion = await timed(
    `query ($slug: String!, $leaf: Int!) { neighbourhood(slug: $slug) { transparencyLog { inclusionProof(leafIndex: $leaf) { hashes } } } }`,
    { slug, leaf: oldestLeaf },
  );

  const dir = mkdtempSync(join(tmpdir(), 'dbwe-bench-log-'));
  try {
    const keptFile = join(dir, 'kept.checkpoint');
    writeFileSync(keptFile, kept.note);
    const verifierMs: number[] = [];
    let verdict = '';
    for (let i = 0; i < VERIFIER_RUNS; i++) {
      const out: string[] = [];
      const started = performance.now();
      const code = await dbweVerify(['check', gatewayUrl, slug, '--quick', '--checkpoint', keptFile, '--entry', '1'], (l) => out.push(l), (l) => out.push(l));
      verifierMs.push(performance.now() - started);
      verdict = out.at(-1) ?? '';
      if (code !== 0) throw new Error(`the verifier did not call the city's books valid: ${out.join('\n')}`);
    }
    return {
      neighbourhood: slug,
      keptSize: kept.size,
      newestSize: neighbourhood.transparencyLog.size,
      consistencyHashes: consistency.hashes,
      inclusionHashes: inclusion.hashes,
      consistencyP50Ms: consistency.p50,
      inclusionP50Ms: inclusion.p50,
      verifierMs,
      verdict,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
