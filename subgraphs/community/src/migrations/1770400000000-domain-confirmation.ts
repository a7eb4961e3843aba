import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A member's domain is shown as GOVERNMENT, ENTREPRENEUR or EDUCATION_SCIENCE only once a
 * neighbourhood admin confirmed it (issue 20): anyone can register "as the municipality".
 * `domain` stays the public domain every reader already uses (the directory's filter, the wish
 * filter, the registered event, the ledger's counterparty check through the graph), so none of
 * them can show an unconfirmed claim by forgetting a rule. The claim waits in `claimed_domain`
 * while `domain` says CITIZEN; confirming moves it into `domain`, rejecting drops it. Who
 * settled the domain, and when, is kept; the members already there (the demo's included) count
 * as confirmed when they joined.
 */
export class DomainConfirmation1770400000000 implements MigrationInterface {
  name = 'DomainConfirmation1770400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE community.member
        ADD COLUMN claimed_domain text CONSTRAINT member_claimed_domain_known CHECK (claimed_domain IN ('GOVERNMENT', 'ENTREPRENEUR', 'EDUCATION_SCIENCE')),
        ADD COLUMN domain_confirmed_at timestamptz,
        ADD COLUMN domain_confirmed_by uuid`);
    await q.query(`UPDATE community.member SET domain_confirmed_at = joined_at`);
    // A pending claim is shown as CITIZEN and has not been settled by anyone yet.
    await q.query(`
      ALTER TABLE community.member ADD CONSTRAINT member_domain_claim_pending
        CHECK (claimed_domain IS NULL OR (domain = 'CITIZEN' AND domain_confirmed_at IS NULL AND domain_confirmed_by IS NULL))`);
    // What an admin looks at: the neighbourhood's claims waiting for them.
    await q.query(`CREATE INDEX member_domain_claims ON community.member (neighbourhood_id, joined_at, id) WHERE claimed_domain IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX community.member_domain_claims`);
    await q.query(`ALTER TABLE community.member DROP CONSTRAINT member_domain_claim_pending`);
    await q.query(`ALTER TABLE community.member DROP COLUMN domain_confirmed_by, DROP COLUMN domain_confirmed_at, DROP COLUMN claimed_domain`);
  }
}
