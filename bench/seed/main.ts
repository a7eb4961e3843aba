/**
 * `npm run seed -- demo|city [--database-url URL] [--scale S] [--no-verify]`
 *
 * Sets up the database roles and schemas, migrates every subgraph's schema
 * as its owner, then loads, as the owners, the demo data (each subgraph's
 * seedDemo) or the benchmark city (100 neighbourhoods, 100,000 members,
 * 10,000 projects with bids, milestones and SROI analyses, 1,000,000 ledger
 * entries; --scale 0.01 for a small one). The database is DATABASE_URL
 * unless --database-url is given, with a superuser's credentials;
 * COMMUNITY_DATABASE_URL and its siblings (a superuser's too) point a
 * subgraph elsewhere. Role passwords are left as they are.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCity } from './city';
import { asOwners, migrateAll, seedDemo, subgraphUrls } from './migrate';

const say = (line: string) => process.stdout.write(`[seed] ${line}\n`);

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'database-url': { type: 'string' },
      scale: { type: 'string', default: '1' },
      'no-verify': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const preset = positionals[0];
  if (values.help || (preset !== 'demo' && preset !== 'city')) {
    process.stdout.write('usage: npm run seed -- demo|city [--database-url postgres://…] [--scale 1] [--no-verify]\n');
    process.exit(values.help ? 0 : 2);
  }
  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('set DATABASE_URL or pass --database-url');
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be a number in (0, 1]');
  const urls = subgraphUrls(databaseUrl);

  await migrateAll(urls);
  if (preset === 'demo') {
    await seedDemo(asOwners(urls));
    say('demo data loaded');
    return;
  }
  const load = await loadCity(asOwners(urls), { scale, verify: !values['no-verify'], log: say });
  say(`city (scale ${scale}) loaded in ${load.loadSeconds.toFixed(1)} s, vacuumed and analyzed in ${load.analyzeSeconds.toFixed(1)} s`);
  if (scale === 1) {
    // The benchmark report quotes the last full load.
    const results = join(__dirname, '..', 'results');
    mkdirSync(results, { recursive: true });
    writeFileSync(join(results, 'city-load.json'), JSON.stringify({ at: new Date().toISOString(), ...load }, null, 2) + '\n');
  }
}

main().catch((error) => {
  say(`failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
