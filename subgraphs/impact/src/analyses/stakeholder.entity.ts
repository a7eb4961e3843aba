import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A stakeholder group named in an analysis; outcomes refer to it by name. */
@Entity({ name: 'stakeholder' })
export class StakeholderEntity {
  @PrimaryColumn({ name: 'analysis_id', type: 'uuid' })
  analysisId!: string;

  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'smallint' })
  position!: number;
}
