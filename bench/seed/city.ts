import { Client, type ClientBase } from 'pg';
import { createDataSource } from '@dbwe/platform';
import { ledger } from '@dbwe/ledger';
import { verifyChain } from '@dbwe/ledger/src/entries/chain-verification';
import { loadCommunity } from './community';
import { loadProjects } from './projects';
import { loadLedger } from './ledger';
import { loadImpact } from './impact';
import { cityPlan, type CityPlan, type CityShape } from './plan';
import type { SubgraphUrls } from './migrate';

type Loader = (client: ClientBase, plan: CityPlan) => Promise<Record<string, number>>;

const LOADERS: Record<keyof SubgraphUrls, Loader> = { community: loadCommunity, projects: loadProjects, ledger: loadLedger, impact: loadImpact };

/** The table per subgraph whose first city row tells that the city is there. */
const MARKERS: Record<keyof SubgraphUrls, string> = {
  community: `SELECT 1 FROM community.neighbourhood WHERE id = $1`,
  projects: `SELECT 1 FROM projects.project WHERE neighbourhood_id = $1 LIMIT 1`,
  ledger: `SELECT 1 FROM ledger.chain WHERE neighbourhood_id = $1`,
  impact: `SELECT 1 FROM impact.analysis WHERE neighbourhood_id = $1 LIMIT 1`,
};

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'dbwe-seed' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Which subgraphs already hold the city. */
export async function cityLoaded(urls: SubgraphUrls): Promise<(keyof SubgraphUrls)[]> {
  const first = cityPlan().neighbourhoods[0].id;
  const loaded: (keyof SubgraphUrls)[] = [];
  for (const name of Object.keys(urls) as (keyof SubgraphUrls)[]) {
    const found = await withClient(urls[name], (c) => c.query(MARKERS[name], [first]));
    if (found.rowCount) loaded.push(name);
  }
  return loaded;
}

export interface CityLoad {
  scale: number;
  loadSeconds: number;
  /** VACUUM (ANALYZE) of the subgraphs' tables. */
  analyzeSeconds: number;
  verifySeconds: number | null;
  rows: Record<string, Record<string, number>>;
}

/**
 * Loads the benchmark city into migrated, city-free schemas: the four
 * subgraphs at once, each in one transaction on its own connection, then
 * VACUUM (ANALYZE) so the planner knows the new sizes, then (unless told not to)
 * every chain verified by the ledger's own verifier.
 */
export async function loadCity(
  urls: SubgraphUrls,
  options: { scale?: number; shape?: CityShape; verify?: boolean; log?: (line: string) => void } = {},
): Promise<CityLoad> {
  const plan = cityPlan(options.scale ?? 1, options.shape);
  const log = options.log ?? (() => undefined);
  const present = await cityLoaded(urls);
  if (present.length > 0) throw new Error(`the city is already loaded in ${present.join(', ')}; seed an empty database`);

  const started = performance.now();
  const rows: CityLoad['rows'] = {};
  await Promise.all(
    (Object.keys(LOADERS) as (keyof SubgraphUrls)[]).map((name) =>
      withClient(urls[name], async (client) => {
        const t0 = performance.now();
        await client.query('BEGIN');
        try {
          rows[name] = await LOADERS[name](client, plan);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
        log(`${name}: ${Object.entries(rows[name]).map(([k, v]) => `${v.toLocaleString('en')} ${k}`).join(', ')} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }),
    ),
  );
  const loadSeconds = (performance.now() - started) / 1000;

  // As after a restore: statistics for the planner, and the visibility map set so index-only scans need no heap.
  const t1 = performance.now();
  await Promise.all(
    (Object.keys(urls) as (keyof SubgraphUrls)[]).map((name) =>
      withClient(urls[name], async (c) => {
        const { rows: tables } = await c.query<{ t: string }>(`SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables WHERE schemaname = $1`, [name]);
        for (const { t } of tables) await c.query(`VACUUM (ANALYZE) ${t}`);
      }),
    ),
  );
  const analyzeSeconds = (performance.now() - t1) / 1000;

  let verifySeconds: number | null = null;
  if (options.verify ?? true) {
    const t2 = performance.now();
    const db = createDataSource({ url: urls.ledger, schema: 'ledger', entities: ledger.entities, migrations: [] });
    await db.initialize();
    try {
      for (const nb of plan.neighbourhoods) {
        const report = await verifyChain(db, nb.id);
        if (!report?.valid || report.entriesChecked !== nb.entries) {
          throw new Error(`the chain of ${nb.slug} does not verify: ${JSON.stringify(report)}`);
        }
      }
    } finally {
      await db.destroy();
    }
    verifySeconds = (performance.now() - t2) / 1000;
    log(`every chain verified by the ledger's verifier in ${verifySeconds.toFixed(1)} s`);
  }
  return { scale: plan.scale, loadSeconds, analyzeSeconds, verifySeconds, rows };
}
