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

  /** The counterparty member's domain as the steward stated it when posting. */
  @Column({ name: 'counterparty_domain', type: 'text', nullable: true })
  counterpartyDomain!: MemberDomain | null;

  @Column({ name: 'counterparty_name', type: 'text', nullable: true })
  counterpartyName!: string | null;
}

export type MemberDomain = 'CITIZEN' | 'GOVERNMENT' | 'ENTREPRENEUR' | 'EDUCATION_SCIENCE';
