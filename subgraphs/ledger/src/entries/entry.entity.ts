import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../log/columns';

@Entity({ name: 'entry' })
export class EntryEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'neighbourhood_id', type: 'uuid' })
  neighbourhoodId!: string;

  @Column({ type: 'integer' })
  sequence!: number;

  @Column({ name: 'booking_date', type: 'date' })
  bookingDate!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'project_id', type: 'uuid', nullable: true })
  projectId!: string | null;

  @Column({ name: 'member_id', type: 'uuid', nullable: true })
  memberId!: string | null;

  @Column({ name: 'evidence_url', type: 'text', nullable: true })
  evidenceUrl!: string | null;

  @Column({ name: 'recorded_by', type: 'uuid', nullable: true })
  recordedBy!: string | null;

  @Column({ name: 'reverses_id', type: 'uuid', nullable: true })
  reversesId!: string | null;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  /** Hash of the posted request, to tell a retry from a conflicting reuse of the key. */
  @Column({ name: 'request_fingerprint', type: 'text', nullable: true })
  requestFingerprint!: string | null;

  @Column({ name: 'previous_hash', type: 'text' })
  previousHash!: string;

  @Column({ type: 'text' })
  hash!: string;

  /** The entry's leaf in its neighbourhood's log; set by the database when the entry is inserted. */
  @Column({ name: 'leaf_index', type: 'bigint', transformer: bigintAsNumber, insert: false, update: false })
  leafIndex?: number;
}
