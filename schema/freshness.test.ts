import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_PATH, SUPERGRAPH_PATH, compose, SUBGRAPHS } from './compose';

/*
 * The committed supergraph, API schema and generated resolver types must be
 * exactly what the subgraph SDL files produce now: a schema change without
 * `npm run generate` fails here.
 */
describe('generated files are fresh', () => {
  it('schema/supergraph.graphql and schema/api.graphql match the subgraph SDL', () => {
    const { supergraph, api } = compose();
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(supergraph);
    expect(readFileSync(API_PATH, 'utf8')).toBe(api);
  });

  it('the generated resolver types match the subgraph SDL', () => {
    const root = join(__dirname, '..');
    const out = mkdtempSync(join(tmpdir(), 'dbwe-codegen-'));
    try {
      execFileSync(process.execPath, [join(root, 'node_modules', '@graphql-codegen', 'cli', 'cjs', 'bin.js'), '--config', 'codegen.ts', '--silent'], {
        cwd: root,
        env: { ...process.env, CODEGEN_OUT_DIR: out },
        stdio: 'pipe',
      });
      for (const name of SUBGRAPHS) {
        const committed = readFileSync(join(root, 'subgraphs', name, 'src', 'generated', 'graphql.ts'), 'utf8');
        const fresh = readFileSync(join(out, 'subgraphs', name, 'src', 'generated', 'graphql.ts'), 'utf8');
        expect({ name, fresh }).toEqual({ name, fresh: committed });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('composition fails loudly on a broken subgraph', () => {
    expect(() => compose((name, sdl) => (name === 'ledger' ? sdl.replace('type Account @key(fields: "id")', 'type Account @key(fields: "nope")') : sdl))).toThrow(/composition failed/);
  });
});
