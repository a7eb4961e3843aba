import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Unit } from '../money/money';

@Entity({ name: 'line' })
export class LineEntity {
  @PrimaryColumn({ name: 'entry_id', type: 'uuid' })
  entryId!: string;

  @PrimaryColumn({ type: 'smallint' })
  position!: number;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  /** Signed minor units: debits positive, credits negative. */
  @Column({ name: 'amount_minor', type: 'bigint' })
  amountMinor!: string;

  @Column({ type: 'text' })
  unit!: Unit;

  @Column({ name: 'counterparty_member_id', type: 'uuid', nullable: true })
  counterpartyMemberId!: string | null;

  @Column({ name: 'counterparty_name', type: 'text', nullable: true })
  counterpartyName!: string | null;
}
