import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'wish' })
export class WishEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'neighbourhood_id', type: 'uuid' })
  neighbourhoodId!: string;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  description!: string;

  /** Null while the wish is open (or adopted by a project). */
  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /**
   * Projects taking the wish up, when the gateway supplies them from the
   * projects subgraph (`@requires`); never stored here.
   */
  projects?: readonly { id: string }[] | null;
}
