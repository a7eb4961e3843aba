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

/** A theme of the lesson's neighbourhood, with the slug the community gave it (the same word across neighbourhoods). */
@Entity({ name: 'lesson_theme' })
export class LessonThemeEntity {
  @PrimaryColumn({ name: 'lesson_id', type: 'uuid' })
  lessonId!: string;

  @PrimaryColumn({ name: 'theme_id', type: 'uuid' })
  themeId!: string;

  @Column({ name: 'neighbourhood_id', type: 'uuid' })
  neighbourhoodId!: string;

  @Column({ name: 'theme_slug', type: 'text' })
  slug!: string;

  @Column({ type: 'smallint' })
  position!: number;
}

export const MEDIA_KINDS = ['VIDEO', 'AUDIO', 'DOCUMENT', 'IMAGE', 'WEBPAGE'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** A link to a film, recording, document, image or web page about the lesson. */
@Entity({ name: 'lesson_media' })
export class LessonMediaEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'lesson_id', type: 'uuid' })
  lessonId!: string;

  @Column({ type: 'smallint' })
  position!: number;

  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'text' })
  kind!: MediaKind;

  @Column({ type: 'text' })
  title!: string;
}
