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

  /** The public domain: CITIZEN while a claim to another waits for an admin. */
  @Column({ type: 'text' })
  domain!: MemberDomain;

  /** The domain the member said they belong to, while no admin has confirmed or rejected it. */
  @Column({ name: 'claimed_domain', type: 'text', nullable: true })
  claimedDomain!: Exclude<MemberDomain, 'CITIZEN'> | null;

  /** When the domain was settled: on joining as a citizen, else when an admin confirmed or rejected the claim. */
  @Column({ name: 'domain_confirmed_at', type: 'timestamptz', nullable: true })
  domainConfirmedAt!: Date | null;

  /** The admin who settled it; null for a citizen's own registration. */
  @Column({ name: 'domain_confirmed_by', type: 'uuid', nullable: true })
  domainConfirmedBy!: string | null;

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
