/**
 * The second half of `npm run build` (after `tsc -p tsconfig.build.json`): puts beside the
 * JavaScript in dist/ what it needs to run with plain node, as the production image runs it.
 *
 * - The files the services read at run time: each subgraph's schema.graphql and the supergraph.
 * - For each workspace package, a package.json whose `main` is the built .js, and
 *   dist/node_modules/@dbwe/<name> pointing at it: `require('@dbwe/platform')` from dist/ finds
 *   the built package before the repository's node_modules, whose @dbwe links lead to the
 *   TypeScript sources (which tsx and jest run).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(__dirname, '..');
const dist = join(root, 'dist');

const WORKSPACES = ['platform', 'gateway', 'subgraphs/community', 'subgraphs/projects', 'subgraphs/ledger', 'subgraphs/impact'];
const RUNTIME_FILES = ['schema/supergraph.graphql', ...WORKSPACES.filter((w) => w.startsWith('subgraphs/')).map((w) => `${w}/schema.graphql`)];

function main(): void {
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
  process.stdout.write(`[build] dist/: ${RUNTIME_FILES.length} runtime files, ${WORKSPACES.length} packages linked\n`);
}

main();
