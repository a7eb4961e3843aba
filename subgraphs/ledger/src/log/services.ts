import { ConfigError, GraphClient, GraphLookup, graphSettings, setting, TEST_GRAPH_URL, type Setting, type SubgraphServices } from '@dbwe/platform';
import { cachedGraphReferences, type LedgerReferences } from '../integrity/references.service';
import { Checkpointer, registerSigningKeys } from './checkpoints';
import { isKeyName, signingKeyFromSeed, type SigningKey } from './note';

/** What the ledger keeps while it runs: the checkpoint signer, and the way to check the ids its books name. */
export interface LedgerServices {
  checkpointer: Checkpointer;
  references: LedgerReferences;
}

function signingKey(required: boolean): Setting<SigningKey | undefined> {
  return {
    read(env, name) {
      const value = env[name]?.trim();
      if (!value) {
        if (required) throw new ConfigError(`${name} is required but not set (the base64 of a 32-byte Ed25519 seed; npm start makes one)`);
        return undefined;
      }
      try {
        return signingKeyFromSeed(value);
      } catch {
        throw new ConfigError(`${name} must be the base64 of a 32-byte Ed25519 seed`);
      }
    },
  };
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

const settings = {
  LEDGER_SIGNING_KEY: signingKey(true),
  LEDGER_PREVIOUS_SIGNING_KEY: signingKey(false),
  LEDGER_LOG_ORIGIN: origin,
  LEDGER_CHECKPOINT_INTERVAL_SECONDS: setting.integer(60, { min: 1, max: 3600 }),
  ...graphSettings,
  // How long a member read from the graph counts as not erased; 0 asks the graph on every posting.
  LEDGER_REFERENCE_CACHE_SECONDS: setting.integer(5, { min: 0, max: 300 }),
};

/** The key that signs now, then the previous one during a rotation. */
const configuredKeys = (config: Record<string, unknown>): SigningKey[] =>
  [config.LEDGER_SIGNING_KEY, config.LEDGER_PREVIOUS_SIGNING_KEY].filter((k): k is SigningKey => k !== undefined);

export const ledgerServices: SubgraphServices<LedgerServices> = {
  settings,
  testEnv: {
    // SHA-256 of "dbwe test ledger key": a key for tests, known to everyone, so never for real books.
    LEDGER_SIGNING_KEY: 'uJb100JZmGeZt2tuPxaX6wdqbSz+zu7vQnGFhORTaqQ=',
    LEDGER_LOG_ORIGIN: 'dbwe.test/books',
    GRAPH_URL: TEST_GRAPH_URL,
  },
  async prepareAsOwner(owner, config) {
    await registerSigningKeys(owner, configuredKeys(config));
  },
  async start(db, config, logger) {
    const keys = configuredKeys(config);
    const checkpointer = new Checkpointer(
      db,
      { originPrefix: config.LEDGER_LOG_ORIGIN as string, keys, intervalSeconds: config.LEDGER_CHECKPOINT_INTERVAL_SECONDS as number },
      logger,
    );
    await checkpointer.prepare();
    checkpointer.start();
    const references = cachedGraphReferences(new GraphLookup(new GraphClient(config.GRAPH_URL as string)), config.LEDGER_REFERENCE_CACHE_SECONDS as number);
    return { services: { checkpointer, references }, stop: () => checkpointer.stop() };
  },
};
