import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform, type RunningPlatform } from '../../test/platform';

/*
 * The example civic app is generated, type-checked and run against the real
 * graph here, so a schema change that breaks it fails the tests.
 */
const app = __dirname;
const root = join(app, '..', '..');
const node = process.execPath;

describe('examples/civic-app', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform.stop());

  it('has typed operations generated from the current schema/api.graphql', () => {
    const out = mkdtempSync(join(tmpdir(), 'dbwe-civic-'));
    try {
      execFileSync(node, [join(root, 'node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', 'codegen.ts', '--silent'], {
        cwd: app,
        env: { ...process.env, CODEGEN_OUT_DIR: out },
        stdio: 'pipe',
      });
      for (const file of readdirSync(join(app, 'src/gql'))) {
        expect({ file, text: readFileSync(join(out, file), 'utf8') }).toEqual({ file, text: readFileSync(join(app, 'src/gql', file), 'utf8') });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('builds', () => {
    execFileSync(node, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: app, stdio: 'pipe' });
  });

  it('prints the neighbourhood report from the live graph', async () => {
    // Asynchronously: the gateway it talks to runs in this process.
    const { stdout: output } = await promisify(execFile)(node, ['--import', 'tsx', 'src/report.ts', 'spijkerkwartier'], {
      cwd: app,
      env: { ...process.env, GRAPH_URL: platform.gatewayUrl },
      encoding: 'utf8',
    });
    const { body } = await platform.query<any>(`{ neighbourhood(slug: "spijkerkwartier") {
      projects(first: 50) { edges { node { title status finances { spent { amount } } sroi { ratio } } } }
      wishes(first: 100) { edges { node { title supporters } } } } }`);
    const lines = output.trimEnd().split('\n');
    expect(lines[0]).toBe('Spijkerkwartier (Arnhem)');
    for (const { node: p } of body.data!.neighbourhood.projects.edges) {
      const line = lines.find((l) => l.startsWith(`- ${p.title} [${p.status}]: € ${p.finances.spent.amount} spent`));
      expect({ project: p.title, line: line !== undefined }).toEqual({ project: p.title, line: true });
      if (p.sroi?.ratio) expect(line).toContain(`SROI 1 : ${p.sroi.ratio}`);
    }
    const top = [...body.data!.neighbourhood.wishes.edges.map((e: any) => e.node)].sort((a, b) => (b.supporters ?? -1) - (a.supporters ?? -1) || a.title.localeCompare(b.title))[0];
    expect(top.supporters).toBeGreaterThanOrEqual(5);
    const wishesAt = lines.indexOf('Top wishes');
    expect(lines[wishesAt + 1]).toMatch(new RegExp(`^- ${top.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${top.supporters} supporters, (OPEN|ADOPTED|ARCHIVED)\\)$`));
    expect(output).toMatch(/Poll: .+ \[(OPEN|CLOSED)\], \d+ participants\n- .+: \d+ points/);
  });
});
