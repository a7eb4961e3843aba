import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { cloneTestDatabase, ownerUrlFor, runtimeUrlFor, testIdentityEnv } from '../testing';

/*
 * A subgraph that cannot start says why in one line naming the problem and
 * exits 1; it never prints a stack trace.
 */
const root = join(__dirname, '..', '..');
/** What the ledger needs besides a database: the gateway's public key, its own key and its checkpoint key (the tests' keys). */
const LEDGER_SETTINGS = {
  ...testIdentityEnv('ledger'),
  LEDGER_SIGNING_KEY: 'uJb100JZmGeZt2tuPxaX6wdqbSz+zu7vQnGFhORTaqQ=',
  // Not the default in the working folder's .data, which npm start uses.
  LEDGER_SIGNER_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'dbwe-service-test-')), 'signer-state.json'),
};

function startLedger(env: Record<string, string>) {
  const { DATABASE_URL: _unset, ...inherited } = process.env;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'subgraphs/ledger/src/main.ts'], {
    cwd: root,
    env: { ...inherited, ...LEDGER_SETTINGS, LOG_LEVEL: 'silent', PORT: '0', ...env },
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

  it("names a malformed or missing ledger signing key, the ledger's own setting", () => {
    const malformed = startLedger({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', LEDGER_SIGNING_KEY: 'not-a-key' });
    expect(malformed.status).toBe(1);
    expect(malformed.stderr).toBe('ledger: configuration error: LEDGER_SIGNING_KEY must be the base64 of a 32-byte Ed25519 seed');
    const missing = startLedger({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', LEDGER_SIGNING_KEY: '' });
    expect(missing.stderr).toBe('ledger: configuration error: LEDGER_SIGNING_KEY is required but not set (the base64 of a 32-byte Ed25519 seed; npm start makes one)');
  });

  it('names every missing or malformed setting at once', () => {
    const { status, stderr } = startLedger({ DATABASE_URL: 'not a url', GATEWAY_ASSERTION_PUBLIC_KEY: 'short' });
    expect(status).toBe(1);
    expect(stderr).toBe(
      'ledger: configuration error: DATABASE_URL is not a valid URL: "not a url"; GATEWAY_ASSERTION_PUBLIC_KEY must be the base64 of a 32-byte Ed25519 public key',
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses the retired shared secret, naming what replaces it, and wants the gateway's public key", () => {
    const retired = startLedger({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', INTERNAL_ASSERTION_SECRET: 'a-secret-of-at-least-thirty-two-characters' });
    expect(retired.status).toBe(1);
    expect(retired.stderr).toBe(
      'ledger: configuration error: INTERNAL_ASSERTION_SECRET is no longer read and must be removed: the gateway signs identity assertions with ' +
        'GATEWAY_ASSERTION_PRIVATE_KEY, subgraphs check them with GATEWAY_ASSERTION_PUBLIC_KEY, and each subgraph has a SERVICE_ASSERTION_PRIVATE_KEY of its own (README, "Configuration")',
    );
    const missing = startLedger({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', GATEWAY_ASSERTION_PUBLIC_KEY: '' });
    expect(missing.stderr).toBe(
      "ledger: configuration error: GATEWAY_ASSERTION_PUBLIC_KEY is required but not set (the base64 of a 32-byte Ed25519 public key; the public half of the gateway's GATEWAY_ASSERTION_PRIVATE_KEY; npm start makes the pair)",
    );
  });

  it('refuses to record no domain events in production, naming the setting that allows it', () => {
    const { status, stderr } = startLedger({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/books', NODE_ENV: 'production', EVENTS_RECORDING: 'false' });
    expect(status).toBe(1);
    expect(stderr).toBe(
      'ledger: configuration error: EVENTS_RECORDING=false records no domain events, so consumers, webhooks and the event feed miss every change made meanwhile; ' +
        'it is for benchmark comparisons and refused with NODE_ENV=production unless EVENTS_RECORDING_OFF_ALLOWED=true',
    );
  });

  it('refuses to relay events it cannot sign: without its own key, consumers would refuse every one', () => {
    const { status, stderr } = startLedger({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/books', SERVICE_ASSERTION_PRIVATE_KEY: '' });
    expect(status).toBe(1);
    expect(stderr).toBe(
      'ledger: configuration error: SERVICE_ASSERTION_PRIVATE_KEY is required: ledger signs the events it relays with it, and consumers refuse unsigned ones (npm start makes one per subgraph)',
    );
    // A process that relays nothing (EVENTS_DELIVERY=false) records events for another to relay, and needs no key for them.
    const recordingOnly = startLedger({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/books', DATABASE_CONNECT_TIMEOUT_MS: '0', SERVICE_ASSERTION_PRIVATE_KEY: '', EVENTS_DELIVERY: 'false' });
    expect(recordingOnly.stderr).toBe('ledger: cannot reach PostgreSQL at 127.0.0.1:1/books: ECONNREFUSED');
  });

  it('says when no database is configured at all', () => {
    const { status, stderr } = startLedger({});
    expect(status).toBe(1);
    expect(stderr).toBe('ledger: configuration error: LEDGER_DATABASE_URL or DATABASE_URL is required');
  });
});

/** Starts the ledger and waits for it to say it is ready; returns what it logged. Fails if it exits first. */
async function startLedgerUntilReady(env: Record<string, string>): Promise<{ lines: { level: number; msg: string }[] }> {
  const { DATABASE_URL: _unset, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/ledger/src/main.ts'], {
    cwd: root,
    env: { ...inherited, ...LEDGER_SETTINGS, LOG_LEVEL: 'info', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => output.includes('ledger subgraph ready') && (clearInterval(timer), resolve()), 50);
      void exited.then((code) => (clearInterval(timer), reject(new Error(`the ledger exited with ${code}: ${output}`))));
    });
    return { lines: output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

describe('subgraph start-up on a database role that could switch its guards off', () => {
  let database: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    database = await cloneTestDatabase();
  });
  afterAll(() => database?.drop());

  const allowIt = `set DATABASE_ALLOW_PRIVILEGED_ROLE=true (development only)`;
  const runtimeHint = `connect as the runtime role dbwe_ledger (README, "Operations: database roles")`;

  it('refuses a superuser, naming the setting that allows it', () => {
    const superuser = decodeURIComponent(new URL(database.url).username);
    const { status, stderr } = startLedger({ DATABASE_URL: database.url, MIGRATE_ON_START: 'false' });
    expect(status).toBe(1);
    expect(stderr).toBe(`ledger: DATABASE_URL connects as "${superuser}", a superuser: that role could switch off the database's guards; ${runtimeHint} or ${allowIt}`);
  });

  it("refuses the schema's owner", () => {
    const { status, stderr } = startLedger({ LEDGER_DATABASE_URL: ownerUrlFor(database.url, 'ledger'), MIGRATE_ON_START: 'false' });
    expect(status).toBe(1);
    expect(stderr).toBe(`ledger: LEDGER_DATABASE_URL connects as "dbwe_ledger_owner", which owns schema ledger: that role could switch off the database's guards; ${runtimeHint} or ${allowIt}`);
  });

  it('starts on a superuser when DATABASE_ALLOW_PRIVILEGED_ROLE=true, and says so', async () => {
    const { lines } = await startLedgerUntilReady({ DATABASE_URL: database.url, MIGRATE_ON_START: 'false', DATABASE_ALLOW_PRIVILEGED_ROLE: 'true' });
    expect(lines.find((l) => l.msg.startsWith('running as a privileged database role'))?.level).toBe(40);
  });

  it("starts as the runtime role, migrating as the owner; refuses to migrate without the owner's URL", async () => {
    const runtime = runtimeUrlFor(database.url, 'ledger');
    const { lines } = await startLedgerUntilReady({ DATABASE_URL: runtime, MIGRATION_DATABASE_URL: ownerUrlFor(database.url, 'ledger') });
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    const { status, stderr } = startLedger({ DATABASE_URL: runtime });
    expect(status).toBe(1);
    expect(stderr).toBe("ledger: migrations run as the schema's owner: set LEDGER_MIGRATION_DATABASE_URL or MIGRATION_DATABASE_URL, or MIGRATE_ON_START=false");
  });

  it("refuses a migration URL of another database than the runtime role's", () => {
    const elsewhere = new URL(ownerUrlFor(database.url, 'ledger'));
    elsewhere.pathname = '/somewhere_else';
    const { status, stderr } = startLedger({ DATABASE_URL: runtimeUrlFor(database.url, 'ledger'), MIGRATION_DATABASE_URL: elsewhere.toString() });
    expect(status).toBe(1);
    expect(stderr).toMatch(/^ledger: configuration error: MIGRATION_DATABASE_URL points at .*\/somewhere_else, not at the database of DATABASE_URL \(/);
  });

  it('migrates and exits with EXIT_AFTER_MIGRATION=true (the Kubernetes migration Job), and refuses it without MIGRATE_ON_START', async () => {
    const runtime = runtimeUrlFor(database.url, 'ledger');
    const done = startLedger({ DATABASE_URL: runtime, MIGRATION_DATABASE_URL: ownerUrlFor(database.url, 'ledger'), EXIT_AFTER_MIGRATION: 'true' });
    expect(done).toEqual({ status: 0, stderr: '' });
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger.migrations');
    await admin.end();
    expect(rows[0].n).toBeGreaterThan(0);
    const refused = startLedger({ DATABASE_URL: runtime, MIGRATE_ON_START: 'false', EXIT_AFTER_MIGRATION: 'true' });
    expect(refused).toEqual({ status: 1, stderr: 'ledger: EXIT_AFTER_MIGRATION=true migrates and exits: it needs MIGRATE_ON_START=true' });
  });

  // Last: it leaves a table of the runtime role's own behind.
  it('refuses a runtime role that owns a table in its schema', async () => {
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    await admin.query('CREATE TABLE ledger.stray (id int)');
    await admin.query('ALTER TABLE ledger.stray OWNER TO dbwe_ledger');
    await admin.end();
    const { status, stderr } = startLedger({ DATABASE_URL: runtimeUrlFor(database.url, 'ledger'), MIGRATE_ON_START: 'false' });
    expect(status).toBe(1);
    expect(stderr).toBe(`ledger: DATABASE_URL connects as "dbwe_ledger", which owns ledger.stray: that role could switch off the database's guards; ${runtimeHint} or ${allowIt}`);
  });
});
