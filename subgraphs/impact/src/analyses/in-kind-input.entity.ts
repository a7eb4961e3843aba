import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A declared in-kind input: a quantity (e.g. volunteer hours) valued at a stated rate with its source. */
@Entity({ name: 'in_kind_input' })
export class InKindInputEntity {
  @PrimaryColumn({ name: 'analysis_id', type: 'uuid' })
  analysisId!: string;

  @PrimaryColumn({ type: 'smallint' })
  position!: number;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'numeric' })
  quantity!: string;

  @Column({ type: 'text' })
  unit!: string;

  /** Euros per unit. */
  @Column({ type: 'numeric' })
  rate!: string;

  @Column({ type: 'text' })
  source!: string;
}
