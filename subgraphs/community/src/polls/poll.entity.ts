import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'poll' })
export class PollEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'neighbourhood_id', type: 'uuid' })
  neighbourhoodId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'points_budget', type: 'integer' })
  pointsBudget!: number;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
