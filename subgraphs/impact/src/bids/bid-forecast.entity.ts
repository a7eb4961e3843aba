import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Which SROI forecast supports a Right to Challenge bid (the bid itself is owned by the projects subgraph). */
@Entity({ name: 'bid_forecast' })
export class BidForecastEntity {
  @PrimaryColumn({ name: 'bid_id', type: 'uuid' })
  bidId!: string;

  @Column({ name: 'analysis_id', type: 'uuid' })
  analysisId!: string;

  @Column({ name: 'linked_by', type: 'uuid', nullable: true })
  linkedBy!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
