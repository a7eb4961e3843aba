/**
 * The verifier as a user gets it: `npm pack ./verifier`, then `npx --package ./dbwe-verify-<v>.tgz dbwe-verify`,
 * with no checkout and no database, offline (the package has no dependencies to download) and with an empty npm
 * cache, run against the fake graph for one valid and one invalid verdict.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { demoLedger, type FakeLedger } from './fake-graph';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
let work: string;
let tarball: string;
let fake: FakeLedger;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'dbwe-verify-pack-'));
  await run('npm', ['pack', './verifier', '--pack-destination', work], { cwd: root });
  tarball = join(work, readdirSync(work).find((f) => /^dbwe-verify-.*\.tgz$/.test(f))!);
  fake = demoLedger();
  await fake.start();
});

afterAll(async () => {
  await fake?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function npx(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cwd = join(work, 'elsewhere');
  mkdirSync(cwd, { recursive: true });
  const env = { ...process.env, npm_config_offline: 'true', npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false' };
  try {
    const { stdout, stderr } = await run('npx', ['--yes', '--package', tarball, 'dbwe-verify', ...args], { cwd, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the packed verifier', () => {
  it('holds only the compiled verifier, its README and a package.json without runtime dependencies', async () => {
    const { stdout } = await run('tar', ['tzf', tarball]);
    const files = stdout.trim().split('\n').sort();
    expect(files).toContain('package/dist/cli.js');
    expect(files).toContain('package/README.md');
    expect(files.filter((f) => !f.startsWith('package/dist/'))).toEqual(['package/README.md', 'package/package.json']);
    const manifest = JSON.parse((await run('tar', ['xzf', tarball, '-O', 'package/package.json'])).stdout);
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.bin).toEqual({ 'dbwe-verify': 'dist/cli.js' });
  });

  it('runs with npx from the tarball: valid books exit 0, a forged balance exits 1', async () => {
    let r = await npx('check', fake.url, 'testwijk', '--vkey', fake.vkey);
    expect(r.stdout.trim().split('\n').pop()).toMatch(/^VALID: .* at size 11: 11 leaves, 4 entries/);
    expect(r.code).toBe(0);
    fake.served.balance.set([...fake.accounts.keys()][0], '1');
    r = await npx('check', fake.url, 'testwijk', '--vkey', fake.vkey);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n').pop()).toBe('INVALID: balance: account 1000: served as 1, the lines sum to 239350');
  });
});
