import { Column, Entity, PrimaryColumn } from 'typeorm';

export type MemberDomain = 'CITIZEN' | 'GOVERNMENT' | 'ENTREPRENEUR' | 'EDUCATION_SCIENCE';
export type MemberKind = 'PERSON' | 'ORGANISATION';
export type MemberRole = 'RESIDENT' | 'STEWARD' | 'OFFICIAL' | 'ADMIN';

@Entity({ name: 'member' })
export class MemberEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'neighbourhood_id', type: 'uuid' })
  neighbourhoodId!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ type: 'text' })
  kind!: MemberKind;

  @Column({ type: 'text' })
  domain!: MemberDomain;

  @Column({ name: 'joined_at', type: 'timestamptz' })
  joinedAt!: Date;

  @Column({ type: 'text', array: true })
  roles!: MemberRole[];

  /** Set once the member used their right to erasure; personal data is then null. */
  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true })
  erasedAt!: Date | null;

  // Personal data: only ever returned to the member themself and to admins.
  @Column({ name: 'full_name', type: 'text', nullable: true })
  fullName!: string | null;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @Column({ type: 'text', nullable: true })
  address!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
