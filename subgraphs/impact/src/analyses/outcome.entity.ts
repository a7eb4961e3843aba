import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One outcome of an impact map. Fractions and amounts are exact decimal strings. */
@Entity({ name: 'outcome' })
export class OutcomeEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'analysis_id', type: 'uuid' })
  analysisId!: string;

  @Column({ type: 'text' })
  stakeholder!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'text' })
  indicator!: string;

  @Column({ type: 'numeric' })
  quantity!: string;

  @Column({ name: 'proxy_value', type: 'numeric' })
  proxyValue!: string;

  @Column({ name: 'proxy_description', type: 'text' })
  proxyDescription!: string;

  @Column({ name: 'proxy_source', type: 'text' })
  proxySource!: string;

  @Column({ name: 'duration_years', type: 'smallint' })
  durationYears!: number;

  @Column({ name: 'drop_off', type: 'numeric' })
  dropOff!: string;

  @Column({ name: 'drop_off_rationale', type: 'text' })
  dropOffRationale!: string;

  @Column({ type: 'numeric' })
  deadweight!: string;

  @Column({ name: 'deadweight_rationale', type: 'text' })
  deadweightRationale!: string;

  @Column({ type: 'numeric' })
  displacement!: string;

  @Column({ name: 'displacement_rationale', type: 'text' })
  displacementRationale!: string;

  @Column({ type: 'numeric' })
  attribution!: string;

  @Column({ name: 'attribution_rationale', type: 'text' })
  attributionRationale!: string;

  @Column({ type: 'boolean' })
  negative!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
