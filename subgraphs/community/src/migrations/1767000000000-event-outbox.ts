import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxMigrationStatements, outboxRollbackStatements } from '@dbwe/platform';

/** The outbox of the domain events this subgraph records in the transaction of each change (docs/events.md). */
export class EventOutbox1767000000000 implements MigrationInterface {
  name = 'EventOutbox1767000000000';

  async up(q: QueryRunner): Promise<void> {
    for (const statement of outboxMigrationStatements('community')) await q.query(statement);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const statement of outboxRollbackStatements('community')) await q.query(statement);
  }
}
