import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_PATH, POSSIBLE_TYPES_PATH, SUPERGRAPH_PATH, compose, SUBGRAPHS } from './compose';

/*
 * The committed supergraph, API schema and generated resolver types must be
 * exactly what the subgraph SDL files produce now: a schema change without
 * `npm run generate` fails here.
 */
describe('generated files are fresh', () => {
  it('schema/supergraph.graphql, schema/api.graphql and schema/possible-types.json match the subgraph SDL', () => {
    const { supergraph, api, possibleTypes } = compose();
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(supergraph);
    expect(readFileSync(API_PATH, 'utf8')).toBe(api);
    expect(readFileSync(POSSIBLE_TYPES_PATH, 'utf8')).toBe(possibleTypes);
  });

  it('possible-types.json names a new member of a result union', () => {
    // What a stale map would miss: a union member added in a subgraph.
    const { possibleTypes } = compose((name, sdl) =>
      name === 'ledger'
        ? sdl.replace(
            'union PostEntryResult @cacheControl(maxAge: 10) =',
            'type FreshlyAddedError implements LedgerError { message: String! code: String! field: String }\nunion PostEntryResult @cacheControl(maxAge: 10) = FreshlyAddedError',
          )
        : sdl,
    );
    const map = JSON.parse(possibleTypes) as Record<string, string[]>;
    expect(map.PostEntryResult).toContain('FreshlyAddedError');
    expect(map.LedgerError).toContain('FreshlyAddedError');
    expect(JSON.parse(readFileSync(POSSIBLE_TYPES_PATH, 'utf8')).PostEntryResult).not.toContain('FreshlyAddedError');
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
