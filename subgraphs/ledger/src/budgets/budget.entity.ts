import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Unit } from '../money/money';
import { bigintAsNumber } from '../log/columns';

/** A project's budget for one period and unit; its amounts are its revisions. */
@Entity({ name: 'budget' })
export class BudgetEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'neighbourhood_id', type: 'uuid' })
  neighbourhoodId!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ type: 'text' })
  unit!: Unit;

  @Column({ name: 'period_start', type: 'date' })
  periodStart!: string;

  @Column({ name: 'period_end', type: 'date' })
  periodEnd!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** One amount a budget was set to; revisions are only ever added. */
@Entity({ name: 'budget_revision' })
export class BudgetRevisionEntity {
  @PrimaryColumn({ name: 'budget_id', type: 'uuid' })
  budgetId!: string;

  @PrimaryColumn({ type: 'integer' })
  revision!: number;

  @Column({ name: 'amount_minor', type: 'bigint' })
  amountMinor!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'recorded_by', type: 'uuid', nullable: true })
  recordedBy!: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  /** The revision's leaf in the neighbourhood's log; set by the database. */
  @Column({ name: 'leaf_index', type: 'bigint', transformer: bigintAsNumber, insert: false, update: false })
  leafIndex?: number;
}

/** A budget with its current (latest) revision. */
export interface BudgetView extends BudgetEntity {
  current: BudgetRevisionEntity;
}

/** A revision with its budget's unit, which its amount is in. */
export interface BudgetRevisionView extends BudgetRevisionEntity {
  unit: Unit;
}
