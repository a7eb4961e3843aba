import { randomBytes } from 'node:crypto';
import { cloneTestDatabase, startTestSubgraph } from '@dbwe/platform/testing';
import { ledger } from '../server';
import type { Loaders } from '../loaders';
import { SPIJKERKWARTIER, anonymous } from '../testing/ledger.fixtures';
import { ledgerServices, type LedgerServices } from './services';
import { signingKeyFromSeed } from './note';

/*
 * Key rotation as docs/ledger-hash.md describes it, with the keys recorded by the ledger's start-up step that runs
 * as the schema's owner (the service's own role may only read them). Expected: started with a new key and the old
 * one as previous, both are in use and every checkpoint carries both signatures; started with the new key alone,
 * the old one is retired, and a start with it again is refused; a start without the owner's step (as with
 * MIGRATE_ON_START=false) is refused for a key that step never recorded.
 */
let database: { url: string; drop: () => Promise<void> };
beforeAll(async () => {
  database = await cloneTestDatabase();
});
afterAll(() => database?.drop());

const OLD = ledgerServices.testEnv.LEDGER_SIGNING_KEY;
const NEW = randomBytes(32).toString('base64');
const publicKey = (seed: string) => signingKeyFromSeed(seed).publicKey.toString('base64');

type Ledger = Awaited<ReturnType<typeof startTestSubgraph<Loaders, LedgerServices>>>;

async function withLedger<T>(env: Record<string, string>, work: (l: Ledger) => Promise<T>, ownerStep = true): Promise<T> {
  const subgraph = await startTestSubgraph(ledger, database.url, { seed: true, env, ownerStep });
  try {
    return await work(subgraph);
  } finally {
    await subgraph.stop();
  }
}

const keys = async (l: Ledger) =>
  ((await l.execute(`{ ledgerSigningKeys { publicKey retiredAt } }`)).data as { ledgerSigningKeys: { publicKey: string; retiredAt: string | null }[] }).ledgerSigningKeys;

it('rotates: both keys sign during the transition, then the old one is retired for good', async () => {
  await withLedger({ LEDGER_SIGNING_KEY: NEW, LEDGER_PREVIOUS_SIGNING_KEY: OLD }, async (l) => {
    expect(await keys(l)).toEqual(expect.arrayContaining([{ publicKey: publicKey(OLD), retiredAt: null }, { publicKey: publicKey(NEW), retiredAt: null }]));
    const { checkpointer } = l.server.contextFor(anonymous).services;
    const signed = await checkpointer.sign(SPIJKERKWARTIER);
    const origin = `dbwe.test/books/${SPIJKERKWARTIER}`;
    expect(signed.note.split('\n\n')[1].split('\n').filter((line) => line.startsWith(`— ${origin} `))).toHaveLength(2);
  });
  await withLedger({ LEDGER_SIGNING_KEY: NEW }, async (l) => {
    const now = await keys(l);
    expect(now.find((k) => k.publicKey === publicKey(NEW))?.retiredAt).toBeNull();
    const retired = now.find((k) => k.publicKey === publicKey(OLD));
    expect(retired).toBeDefined();
    expect(new Date(retired!.retiredAt!).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
  await expect(withLedger({ LEDGER_SIGNING_KEY: OLD }, async () => undefined)).rejects.toThrow(
    /^LEDGER_SIGNING_KEY is a key retired on \d{4}-\d\d-\d\dT[\d:.]+Z; a retired key never signs again, make a new one$/,
  );
});

it('refuses to start, without the owner step, with a key that step never recorded', async () => {
  await expect(withLedger({ LEDGER_SIGNING_KEY: randomBytes(32).toString('base64') }, async () => undefined, false)).rejects.toThrow(
    "LEDGER_SIGNING_KEY is not recorded as a key of the ledger: keys are recorded by the start-up step that runs as the schema's owner; " +
      'start the ledger once with LEDGER_MIGRATION_DATABASE_URL (or MIGRATION_DATABASE_URL) and this key',
  );
});
