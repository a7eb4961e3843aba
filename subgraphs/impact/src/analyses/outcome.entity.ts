import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'outcome' })
export class OutcomeEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'analysis_id', type: 'uuid' })
  analysisId!: string;

  @Column({ type: 'smallint' })
  position!: number;

  @Column({ type: 'text' })
  stakeholder!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'numeric' })
  quantity!: string;

  @Column({ name: 'financial_proxy', type: 'numeric' })
  financialProxy!: string;

  @Column({ name: 'duration_years', type: 'smallint' })
  durationYears!: number;

  @Column({ name: 'drop_off', type: 'numeric' })
  dropOff!: string;

  @Column({ type: 'numeric' })
  deadweight!: string;

  @Column({ type: 'numeric' })
  displacement!: string;

  @Column({ type: 'numeric' })
  attribution!: string;

  @Column({ type: 'boolean' })
  negative!: boolean;
}
