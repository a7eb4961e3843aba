import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../log/columns';

/** One row per neighbourhood's books: the head of its hash chain and of its log. Locked while posting. */
@Entity({ name: 'chain' })
export class ChainEntity {
  @PrimaryColumn({ name: 'neighbourhood_id', type: 'uuid' })
  neighbourhoodId!: string;

  @Column({ name: 'last_sequence', type: 'integer' })
  lastSequence!: number;

  @Column({ name: 'last_hash', type: 'text' })
  lastHash!: string;

  /** The log's origin line (docs/ledger-hash.md); set once, null only before the ledger first ran with a log. */
  @Column({ name: 'log_origin', type: 'text', nullable: true })
  logOrigin!: string | null;

  /** Leaves in the log; maintained by the database's triggers. */
  @Column({ name: 'tree_size', type: 'bigint', transformer: bigintAsNumber, insert: false, update: false })
  treeSize!: number;

  /** The roots of the full subtrees making up the tree, largest first, 32 bytes each. */
  @Column({ name: 'tree_frontier', type: 'bytea', insert: false, update: false })
  treeFrontier!: Buffer;
}
