/**
 * The second half of `npm run build` (after `tsc -p tsconfig.build.json`): puts beside the
 * JavaScript in dist/ what it needs to run with plain node, as the production image runs it.
 *
 * - The files the services read at run time: each subgraph's schema.graphql, the supergraph and the
 *   scalars' page the gateway serves beside it.
 * - The explorer's bundle (GraphiQL, React and our page code), made here by esbuild, so the image
 *   needs neither among its dependencies (gateway/src/explorer/assets.ts).
 * - The schema package's possibleTypes module (abstract-types.ts), which the gateway serves from its supergraph.
 * - For each workspace package, a package.json whose `main` is the built .js, and
 *   dist/node_modules/@dbwe/<name> pointing at it: `require('@dbwe/platform')` from dist/ finds
 *   the built package before the repository's node_modules, whose @dbwe links lead to the
 *   TypeScript sources (which tsx and jest run).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { bundle, writeAssets } from '../gateway/src/explorer/assets';

const root = join(__dirname, '..');
const dist = join(root, 'dist');

const WORKSPACES = ['platform', 'gateway', 'subgraphs/community', 'subgraphs/projects', 'subgraphs/ledger', 'subgraphs/impact'];
const RUNTIME_FILES = ['schema/supergraph.graphql', 'schema/scalars.md', ...WORKSPACES.filter((w) => w.startsWith('subgraphs/')).map((w) => `${w}/schema.graphql`)];

/** Built from the schema folder: only what the gateway imports at run time (tsconfig.build.json). */
const SCHEMA_PACKAGE = { name: '@dbwe/schema', folder: 'schema', main: 'abstract-types.js' };

async function main(): Promise<void> {
  if (!existsSync(join(dist, 'gateway', 'src', 'main.js'))) throw new Error('dist/ has no built gateway: run tsc -p tsconfig.build.json first');
  for (const file of RUNTIME_FILES) {
    mkdirSync(dirname(join(dist, file)), { recursive: true });
    copyFileSync(join(root, file), join(dist, file));
  }
  rmSync(join(dist, 'node_modules'), { recursive: true, force: true });
  for (const workspace of WORKSPACES) {
    const manifest = JSON.parse(readFileSync(join(root, workspace, 'package.json'), 'utf8')) as { name: string; version: string; main: string; description?: string };
    const main = manifest.main.replace(/\.ts$/, '.js');
    if (!existsSync(join(dist, workspace, main))) throw new Error(`${manifest.name}: ${main} was not built (is it reachable from tsconfig.build.json's files?)`);
    writeFileSync(join(dist, workspace, 'package.json'), `${JSON.stringify({ name: manifest.name, version: manifest.version, private: true, main }, null, 2)}\n`);
    const link = join(dist, 'node_modules', manifest.name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), join(dist, workspace)), link, 'dir');
  }
  if (!existsSync(join(dist, SCHEMA_PACKAGE.folder, SCHEMA_PACKAGE.main))) throw new Error(`${SCHEMA_PACKAGE.name}: ${SCHEMA_PACKAGE.main} was not built`);
  writeFileSync(join(dist, SCHEMA_PACKAGE.folder, 'package.json'), `${JSON.stringify({ name: SCHEMA_PACKAGE.name, private: true, main: SCHEMA_PACKAGE.main }, null, 2)}\n`);
  symlinkSync(relative(join(dist, 'node_modules', '@dbwe'), join(dist, SCHEMA_PACKAGE.folder)), join(dist, 'node_modules', SCHEMA_PACKAGE.name), 'dir');
  const prebuilt = join(dist, 'gateway', 'src', 'explorer', 'prebuilt');
  rmSync(prebuilt, { recursive: true, force: true });
  const assets = await bundle();
  writeAssets(assets, prebuilt);
  process.stdout.write(`[build] dist/: ${RUNTIME_FILES.length} runtime files, ${WORKSPACES.length + 1} packages linked, ${assets.files.size} explorer files\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[build] ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
