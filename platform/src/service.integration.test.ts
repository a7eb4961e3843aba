import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/*
 * A subgraph that cannot start says why in one line naming the problem and
 * exits 1; it never prints a stack trace.
 */
const root = join(__dirname, '..', '..');

function startLedger(env: Record<string, string>) {
  const { DATABASE_URL: _unset, ...inherited } = process.env;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'subgraphs/ledger/src/main.ts'], {
    cwd: root,
    env: { ...inherited, INTERNAL_ASSERTION_SECRET: 'a-secret-of-at-least-thirty-two-characters', LOG_LEVEL: 'silent', PORT: '0', ...env },
    encoding: 'utf8',
    // Only a bound on hangs: starting node with tsx takes long on a loaded machine.
    timeout: 240_000,
  });
  return { status: result.status, stderr: result.stderr.trim() };
}

describe('subgraph start-up errors', () => {
  it('names an unreachable database', () => {
    const { status, stderr } = startLedger({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/books', DATABASE_CONNECT_TIMEOUT_MS: '0' });
    expect(status).toBe(1);
    expect(stderr).toBe('ledger: cannot reach PostgreSQL at 127.0.0.1:1/books: ECONNREFUSED');
  });

  it('names a malformed setting', () => {
    const { status, stderr } = startLedger({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', PORT: 'eighty' });
    expect(status).toBe(1);
    expect(stderr).toBe('ledger: configuration error: PORT must be a whole number, got "eighty"');
  });

  it('names every missing or malformed setting at once', () => {
    const { status, stderr } = startLedger({ DATABASE_URL: 'not a url', INTERNAL_ASSERTION_SECRET: 'short' });
    expect(status).toBe(1);
    expect(stderr).toBe(
      'ledger: configuration error: INTERNAL_ASSERTION_SECRET must be at least 32 characters long; DATABASE_URL is not a valid URL: "not a url"',
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('says when no database is configured at all', () => {
    const { status, stderr } = startLedger({});
    expect(status).toBe(1);
    expect(stderr).toBe('ledger: configuration error: LEDGER_DATABASE_URL or DATABASE_URL is required');
  });
});
