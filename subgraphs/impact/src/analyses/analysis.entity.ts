import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SroiKind = 'FORECAST' | 'EVALUATIVE';
export type SroiStatus = 'DRAFT' | 'PUBLISHED';

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

  /** numeric comes back from PostgreSQL as an exact decimal string. */
  @Column({ name: 'discount_rate', type: 'numeric' })
  discountRate!: string;

  @Column({ name: 'discount_first_year', type: 'boolean' })
  discountFirstYear!: boolean;

  @Column({ name: 'in_kind_inputs', type: 'numeric' })
  inKindInputs!: string;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
