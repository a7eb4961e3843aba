import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { InputsBasis } from './sroi-result';

/**
 * A published analysis's result as it was at publication: the figures that
 * came from the books then, and the headline figures computed from them. The
 * impact map itself is immutable once published, so with these inputs the
 * whole result can be recomputed; numeric columns keep every digit.
 */
@Entity({ name: 'published_snapshot' })
export class PublishedSnapshotEntity {
  @PrimaryColumn({ name: 'analysis_id', type: 'uuid' })
  analysisId!: string;

  @Column({ name: 'taken_at', type: 'timestamptz' })
  takenAt!: Date;

  @Column({ type: 'text' })
  basis!: InputsBasis;

  @Column({ type: 'numeric' })
  monetary!: string;

  @Column({ name: 'spending_outside_period', type: 'numeric', nullable: true })
  spendingOutsidePeriod!: string | null;

  /** Hours booked within the period, when the analysis counts them. */
  @Column({ name: 'volunteer_hours', type: 'numeric', nullable: true })
  volunteerHours!: string | null;

  @Column({ name: 'declared_in_kind', type: 'numeric' })
  declaredInKind!: string;

  @Column({ name: 'in_kind', type: 'numeric' })
  inKind!: string;

  @Column({ type: 'numeric' })
  inputs!: string;

  @Column({ name: 'present_value', type: 'numeric' })
  presentValue!: string;

  @Column({ name: 'net_present_value', type: 'numeric' })
  netPresentValue!: string;

  @Column({ type: 'numeric', nullable: true })
  ratio!: string | null;

  @Column({ name: 'net_ratio', type: 'numeric', nullable: true })
  netRatio!: string | null;

  @Column({ name: 'payback_months', type: 'numeric', nullable: true })
  paybackMonths!: string | null;

  /** The signed checkpoint of the books the figures were read from; filled once the ledger signs checkpoints. */
  @Column({ name: 'checkpoint_origin', type: 'text', nullable: true })
  checkpointOrigin!: string | null;

  @Column({ name: 'checkpoint_tree_size', type: 'bigint', nullable: true })
  checkpointTreeSize!: string | null;

  @Column({ name: 'checkpoint_root_hash', type: 'text', nullable: true })
  checkpointRootHash!: string | null;

  @Column({ name: 'checkpoint_note', type: 'text', nullable: true })
  checkpointNote!: string | null;
}
