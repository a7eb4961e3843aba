import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, ed25519Setting, GraphClient, GraphLookup, graphSettings, setting, TEST_GRAPH_URL, type Setting, type SubgraphServices } from '@dbwe/platform';
import { cachedGraphReferences, type LedgerReferences } from '../integrity/references.service';
import { Checkpointer, registerSigningKeys } from './checkpoints';
import { SignerState } from './signer-state';
import { isKeyName, type SigningKey } from './note';

/** What the ledger keeps while it runs: the checkpoint signer, and the way to check the ids its books name. */
export interface LedgerServices {
  checkpointer: Checkpointer;
  references: LedgerReferences;
}

const origin: Setting<string> = {
  read(env, name) {
    const value = env[name]?.trim() || 'dbwe.localhost/books';
    if (!isKeyName(value) || value.length > 200 || value.endsWith('/')) {
      throw new ConfigError(`${name} must be a schema-less URL without spaces, plus signs or a trailing slash, e.g. wijkeconomie.arnhem.nl/books`);
    }
    return value;
  },
};

// Under `npm start`, its data folder; a container keeps it on a volume (docker-compose.yml).
const signerStateFile: Setting<string> = {
  read(env, name) {
    const value = env[name]?.trim() || '.data/ledger-signer-state.json';
    if (value.endsWith('/')) throw new ConfigError(`${name} must name a file, not a folder, e.g. /var/lib/dbwe-ledger/signer-state.json`);
    return resolve(value);
  },
};

const settings = {
  LEDGER_SIGNING_KEY: ed25519Setting.seed('npm start makes one'),
  LEDGER_PREVIOUS_SIGNING_KEY: ed25519Setting.optionalSeed(),
  LEDGER_LOG_ORIGIN: origin,
  LEDGER_CHECKPOINT_INTERVAL_SECONDS: setting.integer(60, { min: 1, max: 3600 }),
  LEDGER_SIGNER_STATE_FILE: signerStateFile,
  ...graphSettings,
  // How long a member read from the graph counts as not erased; 0 asks the graph on every posting.
  LEDGER_REFERENCE_CACHE_SECONDS: setting.integer(5, { min: 0, max: 300 }),
};

/** The key that signs now, then the previous one during a rotation. */
const configuredKeys = (config: Record<string, unknown>): SigningKey[] =>
  [config.LEDGER_SIGNING_KEY, config.LEDGER_PREVIOUS_SIGNING_KEY].filter((k): k is SigningKey => k !== undefined);

export const ledgerServices: SubgraphServices<LedgerServices> = {
  settings,
  // A getter: every ledger a test starts remembers what it signed in a folder of its own, as separate installations do.
  get testEnv() {
    return {
      // SHA-256 of "dbwe test ledger key": a key for tests, known to everyone, so never for real books.
      LEDGER_SIGNING_KEY: 'uJb100JZmGeZt2tuPxaX6wdqbSz+zu7vQnGFhORTaqQ=',
      LEDGER_LOG_ORIGIN: 'dbwe.test/books',
      LEDGER_SIGNER_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'dbwe-ledger-signer-')), 'signer-state.json'),
      GRAPH_URL: TEST_GRAPH_URL,
    };
  },
  async prepareAsOwner(owner, config) {
    await registerSigningKeys(owner, configuredKeys(config));
  },
  async start(db, config, logger) {
    const keys = configuredKeys(config);
    const state = await SignerState.open(config.LEDGER_SIGNER_STATE_FILE as string);
    if (!state.existed) {
      const [{ signed }]: { signed: boolean }[] = await db.query(`SELECT EXISTS (SELECT FROM ledger.checkpoint) AS signed`);
      // Books signed before, and no memory of it: restored without the file, or an installation from before it.
      if (signed) logger.warn({ file: state.path }, 'no signer state: the newest checkpoints stored in the database are taken as what this ledger signed last');
      else logger.info({ file: state.path }, 'the signer keeps its state from the first checkpoint on');
    }
    const checkpointer = new Checkpointer(
      db,
      { originPrefix: config.LEDGER_LOG_ORIGIN as string, keys, intervalSeconds: config.LEDGER_CHECKPOINT_INTERVAL_SECONDS as number, state },
      logger,
    );
    await checkpointer.prepare();
    checkpointer.start();
    const references = cachedGraphReferences(new GraphLookup(new GraphClient(config.GRAPH_URL as string)), config.LEDGER_REFERENCE_CACHE_SECONDS as number);
    return { services: { checkpointer, references }, stop: () => checkpointer.stop() };
  },
};
