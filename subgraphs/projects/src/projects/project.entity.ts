import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ProjectStatus } from './project-lifecycle';

export type { ProjectStatus } from './project-lifecycle';

@Entity({ name: 'project' })
export class ProjectEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'neighbourhood_id', type: 'uuid' })
  neighbourhoodId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  summary!: string;

  @Column({ name: 'theme_ids', type: 'uuid', array: true, default: () => `'{}'` })
  themeIds!: string[];

  @Column({ type: 'text' })
  status!: ProjectStatus;

  @Column({ name: 'coordinator_id', type: 'uuid', nullable: true })
  coordinatorId!: string | null;

  @Column({ name: 'planned_start', type: 'date', nullable: true })
  plannedStart!: string | null;

  @Column({ name: 'planned_end', type: 'date', nullable: true })
  plannedEnd!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A wish a project took up, with the wish's neighbourhood as the public graph gave it when it was taken up. */
@Entity({ name: 'project_wish' })
export class ProjectWishEntity {
  @PrimaryColumn({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @PrimaryColumn({ name: 'wish_id', type: 'uuid' })
  wishId!: string;

  @Column({ name: 'wish_neighbourhood_id', type: 'uuid' })
  wishNeighbourhoodId!: string;

  @Column({ name: 'adopted_by', type: 'uuid' })
  adoptedBy!: string;

  @Column({ name: 'adopted_at', type: 'timestamptz' })
  adoptedAt!: Date;
}
