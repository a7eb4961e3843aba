import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'milestone' })
export class MilestoneEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ name: 'planned_on', type: 'date' })
  plannedOn!: string;

  @Column({ name: 'reached_on', type: 'date', nullable: true })
  reachedOn!: string | null;

  @Column({ name: 'reached_note', type: 'text', nullable: true })
  reachedNote!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
