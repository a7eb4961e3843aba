import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Unit } from '../money/money';
import { bigintAsNumber } from '../log/columns';

export type AccountType = 'ASSET' | 'LIABILITY' | 'EQUITY' | 'INCOME' | 'EXPENSE';

@Entity({ name: 'account' })
export class AccountEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'neighbourhood_id', type: 'uuid' })
  neighbourhoodId!: string;

  @Column({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  type!: AccountType;

  @Column({ type: 'text' })
  unit!: Unit;

  @Column({ name: 'project_id', type: 'uuid', nullable: true })
  projectId!: string | null;

  @Column({ type: 'text', nullable: true })
  taakveld!: string | null;

  @Column({ name: 'no_overdraft', type: 'boolean' })
  noOverdraft!: boolean;

  /** Maintained by the posting transaction, so reading a balance never scans history. */
  @Column({ name: 'balance_minor', type: 'bigint' })
  balanceMinor!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Set by a trigger on every change to the row, a posted line's balance update included. */
  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /** Version of the logged fields: 1 when created, one more per change; set by the database. */
  @Column({ type: 'integer', insert: false, update: false })
  version?: number;

  /** The leaf of the current version in the neighbourhood's log; set by the database. */
  @Column({ name: 'leaf_index', type: 'bigint', transformer: bigintAsNumber, insert: false, update: false })
  leafIndex?: number;

  /** When the current version was recorded (to the millisecond); set by the database. */
  @Column({ name: 'version_recorded_at', type: 'timestamptz', insert: false, update: false })
  versionRecordedAt?: Date;

  /** Who recorded the current version; written with the change. */
  @Column({ name: 'version_recorded_by', type: 'uuid', nullable: true })
  versionRecordedBy?: string | null;
}
