import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A measured value of an outcome's indicator on a date, with where it came from. */
@Entity({ name: 'measurement' })
export class MeasurementEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'outcome_id', type: 'uuid' })
  outcomeId!: string;

  @Column({ name: 'measured_on', type: 'date' })
  measuredOn!: string;

  @Column({ type: 'numeric' })
  value!: string;

  /** The value counts the outcome's quantity: an evaluation uses the latest such value within its period. */
  @Column({ name: 'measures_quantity', type: 'boolean' })
  measuresQuantity!: boolean;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
