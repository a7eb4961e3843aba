import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Unit } from '../money/money';

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
}
