import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { ConfigError } from '@dbwe/platform';
import type { Hash } from './merkle';

/**
 * What the signer signed last, per log, kept outside the database
 * (docs/ledger-hash.md, "Never inconsistent"): a small JSON file next to the
 * signing key, as a witness or the Go checksum database's signer keeps its
 * latest tree. Whoever can rewrite the ledger's tables, checkpoints included,
 * cannot rewrite this; the signer refuses any tree that is not a consistent
 * extension of the one remembered here.
 */
export interface SignedTree {
  size: number;
  rootHash: Hash;
  /** The checkpoint as signed (text and the ledger's signature lines), served when its row was deleted. */
  note: string;
  signedAt: Date;
}

const FORMAT = 'dbwe-ledger-signer-state-v1';

interface StoredState {
  format: typeof FORMAT;
  logs: Record<string, { size: number; rootHash: string; note: string; signedAt: string }>;
}

export class SignerState {
  private constructor(
    readonly path: string,
    private readonly logs: Map<string, SignedTree>,
    /** Whether the file existed when the ledger started. */
    readonly existed: boolean,
  ) {}

  /** Reads the file, or starts empty when there is none; a file that is not ours stops the start-up. */
  static async open(path: string, setting = 'LEDGER_SIGNER_STATE_FILE'): Promise<SignerState> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(`${setting}: cannot read ${path}: ${(error as Error).message}`);
      try {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      } catch (cause) {
        throw new ConfigError(`${setting}: cannot create the folder of ${path}: ${(cause as Error).message}`);
      }
      return new SignerState(path, new Map(), false);
    }
    const problem = `${setting}: ${path} is not a ledger signer state (${FORMAT}); restore it from a backup, never delete or edit it`;
    let stored: StoredState;
    try {
      stored = JSON.parse(text) as StoredState;
    } catch {
      throw new ConfigError(problem);
    }
    if (stored?.format !== FORMAT || typeof stored.logs !== 'object' || stored.logs === null) throw new ConfigError(problem);
    const logs = new Map<string, SignedTree>();
    for (const [origin, tree] of Object.entries(stored.logs)) {
      const rootHash = Buffer.from(String(tree?.rootHash), 'base64');
      const signedAt = new Date(String(tree?.signedAt));
      if (!Number.isSafeInteger(tree?.size) || tree.size < 1 || rootHash.length !== 32 || typeof tree.note !== 'string' || Number.isNaN(signedAt.getTime())) {
        throw new ConfigError(problem);
      }
      logs.set(origin, { size: tree.size, rootHash, note: tree.note, signedAt });
    }
    return new SignerState(path, logs, true);
  }

  get(origin: string): SignedTree | null {
    return this.logs.get(origin) ?? null;
  }

  /**
   * Remembers a tree about to be signed, durably, before the signature leaves
   * the process: a temporary file, written and flushed, renamed over the old
   * one, and the folder flushed, so a crash leaves the old state or the new.
   */
  async remember(origin: string, tree: SignedTree): Promise<void> {
    const known = this.logs.get(origin);
    if (known && known.size > tree.size) throw new Error(`the signer state of ${origin} would go back from size ${known.size} to ${tree.size}`);
    const next = new Map(this.logs).set(origin, tree);
    const stored: StoredState = {
      format: FORMAT,
      logs: Object.fromEntries([...next].map(([o, t]) => [o, { size: t.size, rootHash: t.rootHash.toString('base64'), note: t.note, signedAt: t.signedAt.toISOString() }])),
    };
    const temporary = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.tmp`);
    const file = await open(temporary, 'w', 0o600);
    try {
      await file.writeFile(JSON.stringify(stored, null, 2) + '\n', 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await rename(temporary, this.path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    const folder = await open(dirname(this.path), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
    this.logs.set(origin, tree);
  }
}
