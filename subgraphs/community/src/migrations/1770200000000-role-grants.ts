import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The roles beyond RESIDENT that the member directory's `roles` column held, as grants (ids
 * derived from member and role, so running it twice grants nothing twice). Used by this
 * migration and by the demo and benchmark seeds, which still fill the column.
 */
export const CARRY_OVER_DIRECTORY_ROLES = `
  INSERT INTO community.role_grant (id, member_id, role, scope, neighbourhood_id, grant_reason, granted_at)
  SELECT md5('role-grant:' || m.id || ':' || r)::uuid, m.id, r, 'NEIGHBOURHOOD', m.neighbourhood_id,
         'Carried over from the member directory when roles moved into the platform.', m.joined_at
    FROM community.member m CROSS JOIN LATERAL unnest(m.roles) AS r
   WHERE m.erased_at IS NULL AND r IN ('STEWARD', 'OFFICIAL', 'ADMIN')
  ON CONFLICT DO NOTHING`;

/**
 * Roles held by the platform (issue 20). A token says who someone is; what they may do is a
 * grant recorded here, given and revoked with a reason. A grant is never updated but to record
 * its revocation, so the table is the offices' whole history. Scopes:
 *
 * - `NEIGHBOURHOOD`: steward, official or admin in one neighbourhood (neighbourhood_id);
 * - `MUNICIPALITY`: admin of a municipality (municipality_code), who appoints its officials;
 * - `PLATFORM`: admin of the whole installation, who registers municipalities and neighbourhoods.
 *
 * Being a resident is not a grant: it is having registered in the neighbourhood. Grants name
 * the identity (the member id a token maps to), which for an official or a platform admin need
 * not be a registered member. Municipalities get a table of their own, filled from the
 * neighbourhoods already there; the member.roles column is carried over into grants and no
 * longer read.
 */
export class RoleGrants1770200000000 implements MigrationInterface {
  name = 'RoleGrants1770200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE community.municipality (
        code text PRIMARY KEY CHECK (code ~ '^GM[0-9]{4}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO community.municipality (code, name, created_at)
      SELECT DISTINCT ON (municipality_code) municipality_code, municipality_name, min(created_at) OVER (PARTITION BY municipality_code)
        FROM community.neighbourhood ORDER BY municipality_code, created_at`);
    await q.query(`ALTER TABLE community.neighbourhood ADD CONSTRAINT neighbourhood_municipality_fkey FOREIGN KEY (municipality_code) REFERENCES community.municipality (code)`);
    await q.query(`
      CREATE TABLE community.role_grant (
        id uuid PRIMARY KEY,
        member_id uuid NOT NULL,
        role text NOT NULL CHECK (role IN ('STEWARD', 'OFFICIAL', 'ADMIN')),
        scope text NOT NULL CHECK (scope IN ('NEIGHBOURHOOD', 'MUNICIPALITY', 'PLATFORM')),
        neighbourhood_id uuid REFERENCES community.neighbourhood (id),
        municipality_code text REFERENCES community.municipality (code),
        granted_by uuid,
        grant_reason text NOT NULL CHECK (length(grant_reason) BETWEEN 1 AND 500),
        granted_at timestamptz NOT NULL DEFAULT now(),
        revoked_by uuid,
        revoke_reason text CHECK (length(revoke_reason) BETWEEN 1 AND 500),
        revoked_at timestamptz,
        CHECK ((scope = 'NEIGHBOURHOOD') = (neighbourhood_id IS NOT NULL)),
        CHECK ((scope = 'MUNICIPALITY') = (municipality_code IS NOT NULL)),
        CHECK (scope <> 'MUNICIPALITY' OR role = 'ADMIN'),
        CHECK (scope <> 'PLATFORM' OR role = 'ADMIN'),
        CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL)),
        CHECK (revoked_at IS NULL OR revoked_at >= granted_at)
      )`);
    // One office held once: a second grant of a held office is refused by the database, a race included.
    await q.query(`
      CREATE UNIQUE INDEX role_grant_held ON community.role_grant
        (member_id, role, scope, coalesce(neighbourhood_id::text, ''), coalesce(municipality_code, ''))
        WHERE revoked_at IS NULL`);
    // The gateway asks for one identity's held grants on every request it authenticates.
    await q.query(`CREATE INDEX role_grant_member_held ON community.role_grant (member_id) WHERE revoked_at IS NULL`);
    await q.query(`CREATE INDEX role_grant_neighbourhood ON community.role_grant (neighbourhood_id, granted_at, id)`);
    await q.query(CARRY_OVER_DIRECTORY_ROLES);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE community.role_grant`);
    await q.query(`ALTER TABLE community.neighbourhood DROP CONSTRAINT neighbourhood_municipality_fkey`);
    await q.query(`DROP TABLE community.municipality`);
  }
}
