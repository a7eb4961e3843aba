import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An office's record is written once and revoked once: the database refuses any other change,
 * so community's own runtime role (whose credentials a leaked environment gives away) can neither
 * undo a revocation, nor rewrite who gave an office or why. The trigger belongs to the schema's
 * owner; the runtime role cannot drop or disable it.
 */
export class RoleGrantGuard1770600000000 implements MigrationInterface {
  name = 'RoleGrantGuard1770600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION community.role_grant_revoked_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.revoked_at IS NOT NULL THEN
          RAISE EXCEPTION 'office % was revoked at %; a revocation is final', OLD.id, OLD.revoked_at USING ERRCODE = 'check_violation';
        END IF;
        IF (NEW.id, NEW.member_id, NEW.role, NEW.scope, NEW.neighbourhood_id, NEW.municipality_code, NEW.granted_by, NEW.grant_reason, NEW.granted_at)
           IS DISTINCT FROM (OLD.id, OLD.member_id, OLD.role, OLD.scope, OLD.neighbourhood_id, OLD.municipality_code, OLD.granted_by, OLD.grant_reason, OLD.granted_at) THEN
          RAISE EXCEPTION 'office % may only be revoked, not changed', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER role_grant_revoked_once BEFORE UPDATE ON community.role_grant FOR EACH ROW EXECUTE FUNCTION community.role_grant_revoked_once()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER role_grant_revoked_once ON community.role_grant`);
    await q.query(`DROP FUNCTION community.role_grant_revoked_once()`);
  }
}
