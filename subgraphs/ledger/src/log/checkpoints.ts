import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { ConfigError, type Connection } from '@dbwe/platform';
import { consistencyProof, logHead, rootAt, type LogHead } from './log-store';
import { verifyConsistency } from './merkle';
import type { SignerState } from './signer-state';
import { checkpointSignatureProblem, signCheckpoint, verifierKey, type SigningKey } from './note';

/** A signed checkpoint as stored (docs/ledger-hash.md, "Checkpoints"). */
export interface CheckpointRow {
  neighbourhoodId: string;
  origin: string;
  size: number;
  rootHash: Buffer;
  /** The signed note: text, blank line, the ledger's signature lines (cosignatures are added when served). */
  note: string;
  signedAt: Date;
}

export interface CheckpointConnectionValue extends Connection<CheckpointRow> {
  totalCount: number;
}

export interface SigningKeyRow {
  publicKey: Buffer;
  firstUsedAt: Date;
  retiredAt: Date | null;
}

export interface CheckpointSettings {
  /** The prefix of every new log's origin; a log keeps the origin it got. */
  originPrefix: string;
  /** The key that signs now, then the previous one during a rotation. */
  keys: SigningKey[];
  /** Sign a growing log at least this often. */
  intervalSeconds: number;
  /** What this signer signed last per log, kept outside the database. */
  state: SignerState;
}

/** A fresh checkpoint is signed at most this often per neighbourhood, however often one is asked for. */
const FRESH_AT_MOST_EVERY_MS = 1_000;

interface StoredCheckpoint {
  neighbourhood_id: string;
  tree_size: string;
  root_hash: Buffer;
  note: string;
  signed_at: Date;
}

const toRow = (r: StoredCheckpoint): CheckpointRow => ({
  neighbourhoodId: r.neighbourhood_id,
  origin: r.note.slice(0, r.note.indexOf('\n')),
  size: Number(r.tree_size),
  rootHash: r.root_hash,
  note: r.note,
  signedAt: r.signed_at,
});

function retiredKey(setting: string, retiredAt: Date): ConfigError {
  return new ConfigError(`${setting} is a key retired on ${retiredAt.toISOString()}; a retired key never signs again, make a new one`);
}

/**
 * The owner step of the ledger's start-up (SubgraphServices.prepareAsOwner):
 * records the configured keys as in use and every other key as retired from
 * now. A retired key never signs again: verifiers are told not to trust what
 * it signs after its retirement.
 */
export async function registerSigningKeys(owner: DataSource, keys: SigningKey[]): Promise<void> {
  await owner.transaction(async (tx) => {
    const inUse = keys.map((k) => k.publicKey);
    const retired: { public_key: Buffer; retired_at: Date }[] = await tx.query(
      `SELECT public_key, retired_at FROM ledger.signing_key WHERE public_key = ANY($1::bytea[]) AND retired_at IS NOT NULL`,
      [inUse],
    );
    if (retired.length > 0) {
      const index = inUse.findIndex((k) => k.equals(retired[0].public_key));
      throw retiredKey(index === 0 ? 'LEDGER_SIGNING_KEY' : 'LEDGER_PREVIOUS_SIGNING_KEY', retired[0].retired_at);
    }
    await tx.query(`INSERT INTO ledger.signing_key (public_key, first_used_at) SELECT k, now() FROM unnest($1::bytea[]) k ON CONFLICT (public_key) DO NOTHING`, [inUse]);
    await tx.query(`UPDATE ledger.signing_key SET retired_at = now() WHERE NOT (public_key = ANY($1::bytea[])) AND retired_at IS NULL`, [inUse]);
  });
}

export class LogIsInconsistent extends Error {
  override name = 'LogIsInconsistent';
}

/**
 * Signs each neighbourhood's tree head. A log must never sign two
 * checkpoints that contradict each other, so before signing it recomputes
 * the root of its newest checkpoint from the stored tree: if the tree was
 * rewritten underneath, it refuses and says so, loudly, instead of vouching
 * for the rewrite.
 */
export class Checkpointer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Signing is one at a time, so that each signature is checked against the tree remembered last. */
  private signing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: DataSource,
    private readonly settings: CheckpointSettings,
    private readonly logger: Logger,
  ) {}

  get currentKey(): SigningKey {
    return this.settings.keys[0];
  }

  get state(): SignerState {
    return this.settings.state;
  }

  originFor(neighbourhoodId: string): string {
    return `${this.settings.originPrefix}/${neighbourhoodId}`;
  }

  verifierKeyFor(origin: string, publicKey = this.currentKey.publicKey): string {
    return verifierKey(origin, publicKey);
  }

  /**
   * Checks that the keys configured are the ones recorded as in use (the
   * owner step, registerSigningKeys, records them) and gives books opened
   * before the log their origin. The runtime role cannot record or retire a
   * key itself: whoever holds its credentials must not be able to make the
   * honest books look signed by a retired key.
   */
  async prepare(): Promise<void> {
    const rows: { public_key: Buffer; retired_at: Date | null }[] = await this.db.query(
      `SELECT public_key, retired_at FROM ledger.signing_key WHERE public_key = ANY($1::bytea[])`,
      [this.settings.keys.map((k) => k.publicKey)],
    );
    for (const [index, key] of this.settings.keys.entries()) {
      const setting = index === 0 ? 'LEDGER_SIGNING_KEY' : 'LEDGER_PREVIOUS_SIGNING_KEY';
      const row = rows.find((r) => r.public_key.equals(key.publicKey));
      if (!row) {
        throw new ConfigError(
          `${setting} is not recorded as a key of the ledger: keys are recorded by the start-up step that runs as the schema's owner; ` +
            `start the ledger once with LEDGER_MIGRATION_DATABASE_URL (or MIGRATION_DATABASE_URL) and this key`,
        );
      }
      if (row.retired_at) throw retiredKey(setting, row.retired_at);
    }
    await this.db.query(`SELECT ledger.assign_log_origins($1)`, [this.settings.originPrefix]);
  }

  /** Signs every log that grew and whose newest checkpoint is older than the interval, and keeps doing so. */
  start(): void {
    const everyMs = Math.max(1, this.settings.intervalSeconds / 4) * 1000;
    const tick = () => {
      this.running ??= this.signDue()
        .then(
          () => undefined,
          (error) => this.logger.error({ err: error }, 'signing checkpoints failed'),
        )
        .finally(() => (this.running = null));
    };
    tick();
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  async signDue(): Promise<number> {
    const due: { neighbourhood_id: string }[] = await this.db.query(
      `SELECT c.neighbourhood_id FROM ledger.chain c
         LEFT JOIN LATERAL (SELECT tree_size, signed_at FROM ledger.checkpoint k WHERE k.neighbourhood_id = c.neighbourhood_id
                             ORDER BY tree_size DESC LIMIT 1) latest ON true
        WHERE latest.tree_size IS NULL OR (latest.tree_size < c.tree_size AND latest.signed_at < now() - make_interval(secs => $1))`,
      [this.settings.intervalSeconds],
    );
    let signed = 0;
    for (const { neighbourhood_id } of due) {
      // One log that cannot be signed (rewritten, or a books row without an origin) must not keep the others unsigned.
      try {
        await this.sign(neighbourhood_id);
        signed++;
      } catch (error) {
        if (error instanceof LogIsInconsistent) {
          this.logger.error({ neighbourhoodId: neighbourhood_id, problem: error.message }, 'refusing to sign a checkpoint: the stored log was rewritten');
        } else {
          this.logger.error({ neighbourhoodId: neighbourhood_id, err: error }, 'signing a checkpoint failed');
        }
      }
    }
    return signed;
  }

  /** The newest checkpoint, or null before the first is signed. */
  async latest(db: EntityManager, neighbourhoodId: string): Promise<CheckpointRow | null> {
    const rows: StoredCheckpoint[] = await db.query(
      `SELECT neighbourhood_id, tree_size, root_hash, note, signed_at FROM ledger.checkpoint WHERE neighbourhood_id = $1 ORDER BY tree_size DESC LIMIT 1`,
      [neighbourhoodId],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  async at(db: EntityManager, neighbourhoodId: string, size: number): Promise<CheckpointRow | null> {
    const rows: StoredCheckpoint[] = await db.query(
      `SELECT neighbourhood_id, tree_size, root_hash, note, signed_at FROM ledger.checkpoint WHERE neighbourhood_id = $1 AND tree_size = $2`,
      [neighbourhoodId, size],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** A checkpoint of the tree as it is now, unless the newest is that, or was signed less than a second ago. */
  async fresh(neighbourhoodId: string): Promise<CheckpointRow | null> {
    const latest = await this.latest(this.db.manager, neighbourhoodId);
    const head = await logHead(this.db.manager, neighbourhoodId);
    if (!head) return null;
    if (latest && (latest.size >= head.size || Date.now() - latest.signedAt.getTime() < FRESH_AT_MOST_EVERY_MS)) return latest;
    try {
      return await this.sign(neighbourhoodId);
    } catch (error) {
      if (!(error instanceof LogIsInconsistent)) throw error;
      this.logger.error({ neighbourhoodId, problem: error.message }, 'refusing to sign a checkpoint: the stored log was rewritten');
      return this.lastSigned(neighbourhoodId, head, latest);
    }
  }

  /**
   * What to serve as the newest checkpoint when the stored log cannot be signed: the one this signer remembers
   * signing last, when its row was deleted; a verifier then finds that the tree served does not match it.
   */
  private lastSigned(neighbourhoodId: string, head: LogHead, latest: CheckpointRow | null): CheckpointRow | null {
    const remembered = head.origin ? this.settings.state.get(head.origin) : null;
    if (!remembered || (latest && latest.size >= remembered.size)) return latest;
    return { neighbourhoodId, origin: head.origin!, size: remembered.size, rootHash: remembered.rootHash, note: remembered.note, signedAt: remembered.signedAt };
  }

  /** Signs the tree head as it is now; two signers racing store one checkpoint per size. */
  sign(neighbourhoodId: string): Promise<CheckpointRow> {
    const signed = this.signing.then(() => this.signNow(neighbourhoodId));
    this.signing = signed.catch(() => undefined);
    return signed;
  }

  private async signNow(neighbourhoodId: string): Promise<CheckpointRow> {
    const db = this.db.manager;
    const head = await logHead(db, neighbourhoodId);
    if (!head?.origin) throw new Error(`the books of ${neighbourhoodId} are not open or have no origin`);
    // First what this signer remembers having signed: the rows of the database may have been rewritten, checkpoints too.
    const remembered = this.settings.state.get(head.origin);
    if (remembered) {
      if (remembered.size > head.size) {
        throw new LogIsInconsistent(`this ledger signed a tree of ${remembered.size} leaves; the stored tree has only ${head.size}`);
      }
      // The proof's hashes come from the database, the roots from the signer's memory and the tree's head: a rewritten
      // tree cannot make them agree.
      const proof = await consistencyProof(db, neighbourhoodId, remembered.size, head.size);
      if (!verifyConsistency(remembered.size, head.size, remembered.rootHash, head.root, proof.hashes)) {
        throw new LogIsInconsistent(`the stored tree of ${head.size} leaves does not extend the tree of ${remembered.size} leaves this ledger signed`);
      }
    }
    const previous = await this.latest(db, neighbourhoodId);
    if (previous) {
      if (previous.origin !== head.origin) {
        throw new LogIsInconsistent(`the books' log origin is now ${head.origin}; their checkpoints were signed as ${previous.origin}, and an origin never changes`);
      }
      if (previous.size > head.size) {
        throw new LogIsInconsistent(`the newest checkpoint has ${previous.size} leaves, the stored tree only ${head.size}`);
      }
      const recomputed = await rootAt(db, neighbourhoodId, previous.size);
      if (!recomputed.equals(previous.rootHash)) {
        throw new LogIsInconsistent(`the stored tree's root at size ${previous.size} is not the one that was signed then`);
      }
      if (previous.size === head.size) {
        // A checkpoint signed before this signer kept its state (or by another signer of this key): adopted once its signature checks.
        const signedByUs = checkpointSignatureProblem(previous.note, head.origin, this.settings.keys.map((k) => k.publicKey)) === null;
        if (signedByUs && (!remembered || remembered.size < previous.size)) {
          await this.settings.state.remember(head.origin, { size: previous.size, rootHash: previous.rootHash, note: previous.note, signedAt: previous.signedAt });
        }
        return previous;
      }
    }
    const stored = await rootAt(db, neighbourhoodId, head.size);
    if (!stored.equals(head.root)) throw new LogIsInconsistent(`the tree's frontier and its stored subtrees disagree at size ${head.size}`);
    const note = signCheckpoint({ origin: head.origin, size: head.size, rootHash: head.root }, this.settings.keys);
    // Remembered before the signature is released (stored, where everyone can read it): a crash in between leaves a
    // memory of a tree nobody saw signed, which is harmless, never a signature the signer does not remember.
    await this.settings.state.remember(head.origin, { size: head.size, rootHash: head.root, note, signedAt: new Date() });
    await db.query(
      `INSERT INTO ledger.checkpoint (neighbourhood_id, tree_size, root_hash, note, signed_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (neighbourhood_id, tree_size) DO NOTHING`,
      [neighbourhoodId, head.size, head.root, note],
    );
    const row = await this.at(db, neighbourhoodId, head.size);
    if (!row) throw new Error(`the checkpoint of size ${head.size} vanished after it was stored`);
    return row;
  }
}
