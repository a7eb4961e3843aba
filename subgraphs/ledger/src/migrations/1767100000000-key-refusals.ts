import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refusals of requests that carried an idempotency key, kept for a while so
 * that a duplicate sent while the first was being judged gets the first's
 * answer (entries/key-decision.ts). A refused request books nothing and its
 * key stays free for a later request; only requests already in flight when
 * the refusal was decided replay it. The rows are not facts of the books:
 * the service prunes them and they are not in the log.
 */
export class KeyRefusals1767100000000 implements MigrationInterface {
  name = 'KeyRefusals1767100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger.key_refusal (
        neighbourhood_id uuid NOT NULL,
        idempotency_key text NOT NULL,
        request_fingerprint text NOT NULL,
        refusal jsonb NOT NULL,
        decided_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX key_refusal_by_key ON ledger.key_refusal (neighbourhood_id, idempotency_key, decided_at)`);
    await q.query(`CREATE INDEX key_refusal_by_age ON ledger.key_refusal (decided_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger.key_refusal`);
  }
}
