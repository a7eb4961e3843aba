import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SroiKind = 'FORECAST' | 'EVALUATIVE';
export type SroiStatus = 'DRAFT' | 'PUBLISHED';

/** One SROI analysis (the impact map's header). numeric columns come back as exact decimal strings. */
@Entity({ name: 'analysis' })
export class AnalysisEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ name: 'neighbourhood_id', type: 'uuid' })
  neighbourhoodId!: string;

  @Column({ type: 'text' })
  kind!: SroiKind;

  @Column({ type: 'text' })
  status!: SroiStatus;

  @Column({ type: 'text' })
  title!: string;

  @Column({ name: 'period_start', type: 'date' })
  periodStart!: string;

  @Column({ name: 'period_end', type: 'date' })
  periodEnd!: string;

  @Column({ name: 'discount_rate', type: 'numeric' })
  discountRate!: string;

  @Column({ name: 'discount_first_year', type: 'boolean' })
  discountFirstYear!: boolean;

  /** A forecast's stated planned inputs in euros; null means the ledger's spending is used. */
  @Column({ name: 'planned_inputs', type: 'numeric', nullable: true })
  plannedInputs!: string | null;

  /** Euros per volunteer hour booked on the project within the period, counted as in-kind inputs; null means booked hours are not counted. */
  @Column({ name: 'volunteer_hour_rate', type: 'numeric', nullable: true })
  volunteerHourRate!: string | null;

  @Column({ name: 'volunteer_hour_rate_source', type: 'text', nullable: true })
  volunteerHourRateSource!: string | null;

  @Column({ name: 'supersedes_id', type: 'uuid', nullable: true })
  supersedesId!: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
