import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { fail, refuse, succeed, type Outcome } from '../ledger-errors';
import { textProblem } from '../entries/posting-rules';
import { violationOf } from '../transactions';
import { keyId, parseCosignerKey, readCosignature, verifierKey, checkpointText } from './note';
import type { Checkpointer, CheckpointRow } from './checkpoints';

/** A registered witness of a neighbourhood's log. */
export interface WitnessRow {
  id: string;
  neighbourhoodId: string;
  name: string;
  publicKey: Buffer;
  description: string;
  registeredAt: Date;
  retiredAt: Date | null;
}

export interface CosignatureRow {
  neighbourhoodId: string;
  treeSize: number;
  witnessId: string;
  cosignedAt: Date;
  signatureLine: string;
}

/** How far in the future a cosignature's timestamp may be: clocks differ a little, never a lot. */
const CLOCK_SKEW_SECONDS = 60;

interface StoredWitness {
  id: string;
  neighbourhood_id: string;
  name: string;
  public_key: Buffer;
  description: string;
  registered_at: Date;
  retired_at: Date | null;
}

const toWitness = (r: StoredWitness): WitnessRow => ({
  id: r.id,
  neighbourhoodId: r.neighbourhood_id,
  name: r.name,
  publicKey: r.public_key,
  description: r.description,
  registeredAt: r.registered_at,
  retiredAt: r.retired_at,
});

export const witnessVerifierKey = (w: WitnessRow) => verifierKey(w.name, w.publicKey, 0x04);

export async function witnessesOf(db: EntityManager, neighbourhoodIds: readonly string[]): Promise<WitnessRow[]> {
  const rows: StoredWitness[] = await db.query(
    `SELECT id, neighbourhood_id, name, public_key, description, registered_at, retired_at FROM ledger.witness
      WHERE neighbourhood_id = ANY($1::uuid[]) ORDER BY registered_at, name`,
    [neighbourhoodIds],
  );
  return rows.map(toWitness);
}

export async function witnessesById(db: EntityManager, ids: readonly string[]): Promise<WitnessRow[]> {
  const rows: StoredWitness[] = await db.query(
    `SELECT id, neighbourhood_id, name, public_key, description, registered_at, retired_at FROM ledger.witness WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return rows.map(toWitness);
}

export interface RegisterWitnessArgs {
  neighbourhoodId: string;
  verifierKey: string;
  description: string;
}

export async function registerWitness(db: DataSource, args: RegisterWitnessArgs, registeredBy: string | null): Promise<Outcome<WitnessRow>> {
  const key = parseCosignerKey(args.verifierKey);
  if (typeof key === 'string') return refuse(fail.invalidWitnessKey(key));
  const description = args.description.trim();
  const problem = textProblem(description, 1, 500);
  if (problem) return refuse(fail.invalid('description', `The description ${problem}.`));
  const open: { log_origin: string | null }[] = await db.query(`SELECT log_origin FROM ledger.chain WHERE neighbourhood_id = $1`, [args.neighbourhoodId]);
  if (open.length === 0) return refuse(fail.booksNotOpen(args.neighbourhoodId));
  // A cosignature line named as the log would read as one of the log's own signature lines (witness_key_of_its_own).
  if (key.name === open[0].log_origin) return refuse(fail.invalidWitnessKey("a witness is named as itself, not as the log's origin"));
  const witness: WitnessRow = {
    id: randomUUID(),
    neighbourhoodId: args.neighbourhoodId,
    name: key.name,
    publicKey: key.publicKey,
    description,
    registeredAt: new Date(),
    retiredAt: null,
  };
  try {
    await db.query(
      `INSERT INTO ledger.witness (id, neighbourhood_id, name, public_key, key_id, description, registered_at, registered_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [witness.id, witness.neighbourhoodId, witness.name, witness.publicKey, key.keyId, description, witness.registeredAt, registeredBy],
    );
    return succeed(witness);
  } catch (error) {
    if (violationOf(error)?.constraint !== 'witness_key_unique') throw error;
    const [existing]: StoredWitness[] = await db.query(
      `SELECT id, neighbourhood_id, name, public_key, description, registered_at, retired_at FROM ledger.witness
        WHERE neighbourhood_id = $1 AND name = $2 AND key_id = $3`,
      [args.neighbourhoodId, key.name, key.keyId],
    );
    return refuse(fail.witnessAlreadyRegistered(toWitness(existing)));
  }
}

export async function retireWitness(db: DataSource, neighbourhoodId: string, witnessId: string): Promise<Outcome<WitnessRow>> {
  const rows: StoredWitness[] = await db.query(
    `UPDATE ledger.witness SET retired_at = coalesce(retired_at, now()) WHERE id = $1 AND neighbourhood_id = $2
     RETURNING id, neighbourhood_id, name, public_key, description, registered_at, retired_at`,
    [witnessId, neighbourhoodId],
  );
  // UPDATE … RETURNING through TypeORM's query() answers [rows, count].
  const [updated] = (Array.isArray(rows[0]) ? rows[0] : rows) as StoredWitness[];
  return updated ? succeed(toWitness(updated)) : refuse(fail.unknownWitness());
}

export interface AddCosignatureArgs {
  neighbourhoodId: string;
  treeSize: number;
  signatureLine: string;
}

/**
 * Keeps a cosignature of a registered, active witness over a checkpoint the
 * ledger signed. The line names its witness and carries its key ID; the
 * signature must verify over that checkpoint with that witness's key. A
 * witness cosigns a checkpoint once; sending the same again is answered
 * with what is kept.
 */
export async function addCosignature(
  db: DataSource,
  checkpointer: Checkpointer,
  args: AddCosignatureArgs,
  now = new Date(),
): Promise<Outcome<{ checkpoint: CheckpointRow; cosignature: CosignatureRow }>> {
  const open: unknown[] = await db.query(`SELECT 1 FROM ledger.chain WHERE neighbourhood_id = $1`, [args.neighbourhoodId]);
  if (open.length === 0) return refuse(fail.booksNotOpen(args.neighbourhoodId));
  const checkpoint = Number.isSafeInteger(args.treeSize) ? await checkpointer.at(db.manager, args.neighbourhoodId, args.treeSize) : null;
  if (!checkpoint) return refuse(fail.unknownCheckpoint(args.treeSize));

  const line = args.signatureLine.trim();
  const name = /^— (\S+) /.exec(line)?.[1];
  if (!name) return refuse(fail.invalidCosignature('a cosignature line is an em dash, a space, the witness name, a space and base64'));
  const active = (await witnessesOf(db.manager, [args.neighbourhoodId])).filter((w) => w.name === name && w.retiredAt === null);
  if (active.length === 0) return refuse(fail.invalidCosignature(`no active witness named ${name} is registered for this log`));

  const text = checkpointText(checkpoint);
  let reasons: string[] = [];
  for (const witness of active) {
    const read = readCosignature(line, text, { name: witness.name, keyId: keyId(witness.name, 0x04, witness.publicKey), publicKey: witness.publicKey });
    if (typeof read === 'string') {
      reasons = [...reasons, read];
      continue;
    }
    if (read.timestamp > now.getTime() / 1000 + CLOCK_SKEW_SECONDS) return refuse(fail.invalidCosignature('its timestamp is in the future'));
    const cosignedAt = new Date(read.timestamp * 1000);
    await db.query(
      `INSERT INTO ledger.cosignature (neighbourhood_id, tree_size, witness_id, cosigned_at, signature_line, received_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (neighbourhood_id, tree_size, witness_id) DO NOTHING`,
      [args.neighbourhoodId, checkpoint.size, witness.id, cosignedAt, read.line, now],
    );
    const [kept] = await cosignaturesOf(db.manager, args.neighbourhoodId, [checkpoint.size], witness.id);
    return succeed({ checkpoint, cosignature: kept });
  }
  return refuse(fail.invalidCosignature(reasons[0]));
}

export async function cosignaturesOf(db: EntityManager, neighbourhoodId: string, sizes: readonly number[], witnessId?: string): Promise<CosignatureRow[]> {
  const rows: { tree_size: string; witness_id: string; cosigned_at: Date; signature_line: string }[] = await db.query(
    `SELECT tree_size, witness_id, cosigned_at, signature_line FROM ledger.cosignature
      WHERE neighbourhood_id = $1 AND tree_size = ANY($2::bigint[]) AND ($3::uuid IS NULL OR witness_id = $3)
      ORDER BY received_at, witness_id`,
    [neighbourhoodId, sizes, witnessId ?? null],
  );
  return rows.map((r) => ({
    neighbourhoodId,
    treeSize: Number(r.tree_size),
    witnessId: r.witness_id,
    cosignedAt: r.cosigned_at,
    signatureLine: r.signature_line,
  }));
}
