import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ParticipantRole = 'COORDINATOR' | 'VOLUNTEER' | 'PARTNER' | 'SUPPLIER' | 'ADVISOR';

@Entity({ name: 'project_participant' })
export class ParticipantEntity {
  @PrimaryColumn({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @PrimaryColumn({ name: 'member_id', type: 'uuid' })
  memberId!: string;

  @Column({ type: 'text' })
  role!: ParticipantRole;

  @Column({ name: 'joined_at', type: 'timestamptz' })
  joinedAt!: Date;
}
