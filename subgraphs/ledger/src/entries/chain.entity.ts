import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per neighbourhood's books: the head of its hash chain. Locked while posting. */
@Entity({ name: 'chain' })
export class ChainEntity {
  @PrimaryColumn({ name: 'neighbourhood_id', type: 'uuid' })
  neighbourhoodId!: string;

  @Column({ name: 'last_sequence', type: 'integer' })
  lastSequence!: number;

  @Column({ name: 'last_hash', type: 'text' })
  lastHash!: string;
}
