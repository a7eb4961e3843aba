import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'lesson' })
export class LessonEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ name: 'neighbourhood_id', type: 'uuid' })
  neighbourhoodId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ name: 'what_worked', type: 'text' })
  whatWorked!: string;

  @Column({ name: 'what_did_not_work', type: 'text' })
  whatDidNotWork!: string;

  @Column({ name: 'for_whom', type: 'text' })
  forWhom!: string;

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedBy!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
