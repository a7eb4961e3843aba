import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ProjectStatus } from './project-lifecycle';

export type ProjectEventKind = 'PROPOSED' | 'STATUS_CHANGED' | 'MILESTONE_REACHED' | 'WISH_ADOPTED';

/** One row of a project's public timeline; the database refuses UPDATE and DELETE. */
@Entity({ name: 'project_event' })
export class ProjectEventEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ type: 'text' })
  kind!: ProjectEventKind;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus!: ProjectStatus | null;

  @Column({ name: 'to_status', type: 'text', nullable: true })
  toStatus!: ProjectStatus | null;

  @Column({ name: 'actor_id', type: 'uuid' })
  actorId!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  /** Insertion order, for events that share a timestamp; the database assigns it. */
  @Column({ type: 'bigint', insert: false, update: false, select: false })
  seq!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'milestone_id', type: 'uuid', nullable: true })
  milestoneId!: string | null;

  @Column({ name: 'wish_id', type: 'uuid', nullable: true })
  wishId!: string | null;
}
