import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stableId } from '@dbwe/platform';
import { startPlatform, type RunningPlatform } from '../../../../test/platform';
import { verifyChainThroughApi } from './verify-chain';

/*
 * Tamper evidence, end to end: the whole platform behind the real gateway,
 * with the demo books of the Spijkerkwartier (24 entries) and 36 more posted
 * through the gateway. First the chain verifies, on the server and with the command-line verifier, which reads
 * nothing but the public API. Then someone with superuser access to the
 * database switches off the triggers for their session and changes one
 * booked line: the autumn mowing by Hovenier Groen & Co, 9 250.00, becomes
 * 8 250.00. Both checks must name that entry's sequence.
 */
jest.setTimeout(120_000);

const run = promisify(execFile);
const VERIFIER = join(__dirname, 'verify-chain.ts');
const ROOT = join(__dirname, '..', '..', '..', '..');

/** Runs the verifier as a separate process, as a third party would; returns its exit code and output. */
async function verifier(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', VERIFIER, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const SPIJKERKWARTIER = stableId('neighbourhood:spijkerkwartier');
const POST = `mutation ($input: PostEntryInput!) { postEntry(input: $input) { __typename } }`;
const coffee = (i: number) => ({
  neighbourhoodId: SPIJKERKWARTIER,
  idempotencyKey: `coffee-${i}`,
  bookingDate: '2026-01-05',
  description: `Koffie wijkraad, week ${i}`,
  lines: [
    { accountId: stableId(`account:${SPIJKERKWARTIER}:4200`), side: 'DEBIT', amount: `${i}.50`, unit: 'EUR', counterparty: { name: 'Koffiebranderij elders' } },
    { accountId: stableId(`account:${SPIJKERKWARTIER}:1000`), side: 'CREDIT', amount: `${i}.50`, unit: 'EUR' },
  ],
});
const VERIFICATION = `query { neighbourhood(slug: "spijkerkwartier") { chainHead { sequence hash } chainVerification { valid entriesChecked headSequence firstBadSequence problem } } }`;

describe('tamper evidence through the public API', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform.stop());

  it('verifies the untouched chain, on the server and with the command-line verifier', async () => {
    // 36 more entries through the gateway, so the verifier reads more than one page (50 entries a page).
    const token = await platform.token(stableId('member:Penningmeester Pieter'), [{ role: 'steward', neighbourhood: SPIJKERKWARTIER }]);
    for (let i = 1; i <= 36; i++) {
      const { body } = await platform.query<any>(POST, { input: coffee(i) }, { token });
      expect(body.data.postEntry.__typename).toBe('PostEntrySuccess');
    }
    const { body } = await platform.query<any>(VERIFICATION);
    expect(body.errors).toBeUndefined();
    const { chainHead, chainVerification } = body.data.neighbourhood;
    expect(chainVerification).toEqual({ valid: true, entriesChecked: 60, headSequence: 60, firstBadSequence: null, problem: null });

    const cli = await verifier(platform.gatewayUrl, 'spijkerkwartier');
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toBe(`valid: 60 entries checked; head is entry 60 with hash ${chainHead.hash}\n`);
    // By id as well as by slug.
    expect((await verifier(platform.gatewayUrl, SPIJKERKWARTIER)).code).toBe(0);
  });

  it('names the changed entry after a superuser rewrites one of its lines', async () => {
    const superuser = platform.subgraphs.ledger.admin;
    const [target] = await superuser.query(`SELECT id, sequence FROM ledger.entry WHERE description LIKE 'Maaiwerk en snoeiwerk najaar%'`);
    // Superuser only: with replication role "replica" ordinary triggers, the immutability guard included, do not fire.
    await superuser.query('BEGIN');
    await superuser.query(`SET LOCAL session_replication_role = replica`);
    await superuser.query(`UPDATE ledger.line SET amount_minor = 825000 WHERE entry_id = $1 AND position = 0`, [target.id]);
    await superuser.query('COMMIT');

    const { body } = await platform.query<any>(VERIFICATION);
    expect(body.data.neighbourhood.chainVerification).toEqual({
      valid: false,
      entriesChecked: target.sequence,
      headSequence: 60,
      firstBadSequence: target.sequence,
      problem: expect.stringMatching(/content does not match its hash/),
    });

    const cli = await verifier(platform.gatewayUrl, 'spijkerkwartier');
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(new RegExp(`^INVALID: first bad sequence ${target.sequence}: content does not match its hash`));

    const inProcess = await verifyChainThroughApi(platform.gatewayUrl, 'spijkerkwartier');
    expect(inProcess.firstBad?.sequence).toBe(target.sequence);
  });

  it('says it could not check, rather than valid or invalid, when there is nothing to check', async () => {
    const unknown = await verifier(platform.gatewayUrl, 'atlantis');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no neighbourhood atlantis/);
    const usage = await verifier();
    expect(usage.code).toBe(2);
  });
});
