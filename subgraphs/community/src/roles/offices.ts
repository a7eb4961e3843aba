import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { canonicalId, isAdmin, isPlatformAdmin, isUuid, readPage, toConnection, type EventRecorder, type PageArgs, type Role, type Viewer } from '@dbwe/platform';
import { communityError, type ErrorOf } from '../community-errors';
import { isInstantIdKey } from '../cursor';
import { checkText } from '../text.rules';
import { isUniqueViolation } from '../members/member.commands';
import { roleEvent } from './role.events';

/*
 * Offices: the roles the platform holds (migration 1770200000000). Who may give
 * which office, and to whom:
 *
 * - STEWARD or ADMIN of a neighbourhood: by that neighbourhood's admins, to a
 *   member registered there (not erased);
 * - OFFICIAL of a neighbourhood: by its municipality's admins or a platform
 *   admin, to any identity (municipal staff need not live there);
 * - ADMIN of a municipality, ADMIN of the platform: by a platform admin.
 *
 * Revoking follows the same rule. Being a resident is no office: it is having
 * registered. The gateway reads `rolesOf` on every request it authenticates,
 * so a grant or a revocation holds from the holder's next request.
 */

export type OfficeRole = 'STEWARD' | 'OFFICIAL' | 'ADMIN';
export type OfficeScope = 'NEIGHBOURHOOD' | 'MUNICIPALITY' | 'PLATFORM';

export interface OfficeRow {
  id: string;
  memberId: string;
  role: OfficeRole;
  scope: OfficeScope;
  neighbourhoodId: string | null;
  municipalityCode: string | null;
  grantedBy: string | null;
  grantReason: string;
  grantedAt: Date;
  revokedBy: string | null;
  revokeReason: string | null;
  revokedAt: Date | null;
}

const COLUMNS = `id, member_id AS "memberId", role, scope, neighbourhood_id AS "neighbourhoodId", municipality_code AS "municipalityCode",
  granted_by AS "grantedBy", grant_reason AS "grantReason", granted_at AS "grantedAt",
  revoked_by AS "revokedBy", revoke_reason AS "revokeReason", revoked_at AS "revokedAt"`;

const REASON_MAX = 500;

type Runner = Pick<DataSource | EntityManager, 'query'>;

/** A role as every check reads it: in one neighbourhood, or everywhere ('*'). */
export interface HeldRole {
  role: Role;
  neighbourhood: string;
}

/**
 * The roles the platform records for an identity: resident where it registered
 * (unless erased), and its held offices in neighbourhoods and of the platform.
 * A municipality's admin office is no role in any neighbourhood: it only lets
 * its holder appoint officials, which grantRole checks itself. An erased
 * member holds nothing.
 */
export async function rolesOf(db: Runner, memberId: string): Promise<HeldRole[]> {
  if (!isUuid(memberId)) return [];
  const rows: { role: string; neighbourhoodId: string | null }[] = await db.query(
    `WITH erased AS (SELECT 1 FROM community.member WHERE id = $1 AND erased_at IS NOT NULL)
     SELECT 'RESIDENT' AS role, neighbourhood_id AS "neighbourhoodId" FROM community.member WHERE id = $1 AND erased_at IS NULL
     UNION ALL
     SELECT role, neighbourhood_id FROM community.role_grant
      WHERE member_id = $1 AND revoked_at IS NULL AND scope <> 'MUNICIPALITY' AND NOT EXISTS (SELECT 1 FROM erased)`,
    [memberId],
  );
  return rows.map((row) => ({ role: row.role.toLowerCase() as Role, neighbourhood: row.neighbourhoodId ?? '*' }));
}

/** The roles each member shows in the directory: RESIDENT, and the offices held in their own neighbourhood. */
export async function directoryRoles(db: Runner, members: readonly { id: string; neighbourhoodId: string }[]): Promise<Map<string, OfficeRole[]>> {
  const rows: { memberId: string; role: OfficeRole }[] = await db.query(
    `SELECT g.member_id AS "memberId", g.role FROM community.role_grant g
       JOIN unnest($1::uuid[], $2::uuid[]) AS m(id, neighbourhood_id) ON m.id = g.member_id AND m.neighbourhood_id = g.neighbourhood_id
      WHERE g.revoked_at IS NULL AND g.scope = 'NEIGHBOURHOOD'
      ORDER BY array_position(ARRAY['STEWARD', 'OFFICIAL', 'ADMIN'], g.role)`,
    [members.map((m) => m.id), members.map((m) => m.neighbourhoodId)],
  );
  const byMember = new Map<string, OfficeRole[]>();
  for (const row of rows) byMember.set(row.memberId, [...(byMember.get(row.memberId) ?? []), row.role]);
  return byMember;
}

export async function officeById(db: Runner, id: string): Promise<OfficeRow | null> {
  if (!isUuid(id)) return null;
  const rows: OfficeRow[] = await db.query(`SELECT ${COLUMNS} FROM community.role_grant WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** A neighbourhood's offices, oldest first (ties by id); held ones only unless `held` is false. */
export async function listOffices(db: Runner, neighbourhoodId: string, args: PageArgs & { held?: boolean | null }) {
  const page = readPage(args, isInstantIdKey);
  const heldOnly = args.held !== false;
  const where = `neighbourhood_id = $1 AND ($2::boolean IS FALSE OR revoked_at IS NULL)`;
  const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM community.role_grant WHERE ${where}`, [neighbourhoodId, heldOnly]);
  const rows: OfficeRow[] = await db.query(
    `SELECT ${COLUMNS} FROM community.role_grant WHERE ${where} AND ($3::timestamptz IS NULL OR (granted_at, id) > ($3::timestamptz, $4::uuid))
      ORDER BY granted_at, id LIMIT $5`,
    [neighbourhoodId, heldOnly, page.after?.[0] ?? null, page.after?.[1] ?? null, page.limit + 1],
  );
  return { ...toConnection(rows, page, (o) => [o.grantedAt.toISOString(), o.id]), totalCount: count as number };
}

/** The offices an identity holds or held, oldest first. */
export async function officesOf(db: Runner, memberId: string, heldOnly: boolean): Promise<OfficeRow[]> {
  return db.query(`SELECT ${COLUMNS} FROM community.role_grant WHERE member_id = $1 AND ($2::boolean IS FALSE OR revoked_at IS NULL) ORDER BY granted_at, id`, [
    memberId,
    heldOnly,
  ]);
}

/** True when the viewer holds the admin office of this municipality (recorded here, never in a token). */
async function isMunicipalityAdmin(db: Runner, viewer: Viewer, municipalityCode: string): Promise<boolean> {
  if (viewer.memberId === null || !isUuid(viewer.memberId)) return false;
  const rows = await db.query(
    `SELECT 1 FROM community.role_grant WHERE member_id = $1 AND scope = 'MUNICIPALITY' AND municipality_code = $2 AND revoked_at IS NULL`,
    [viewer.memberId, municipalityCode],
  );
  return rows.length > 0;
}

/** Where an office holds, as the grant's input says it. */
export interface OfficeTarget {
  role: OfficeRole;
  scope: OfficeScope;
  neighbourhoodId: string | null;
  municipalityCode: string | null;
}

/** Whether the viewer may give or revoke this office; the caller answers FORBIDDEN when not. */
export async function mayAppoint(db: Runner, viewer: Viewer, target: OfficeTarget): Promise<boolean> {
  if (isPlatformAdmin(viewer)) return true;
  if (target.scope !== 'NEIGHBOURHOOD' || target.neighbourhoodId === null) return false;
  if (target.role !== 'OFFICIAL') return isAdmin(viewer, target.neighbourhoodId);
  const rows: { code: string }[] = await db.query(`SELECT municipality_code AS code FROM community.neighbourhood WHERE id = $1`, [target.neighbourhoodId]);
  return rows.length > 0 && isMunicipalityAdmin(db, viewer, rows[0].code);
}

export interface GrantInput {
  memberId: string;
  role: string;
  neighbourhoodId?: string | null;
  municipalityCode?: string | null;
  reason: string;
}

type GrantError = ErrorOf<'NeighbourhoodNotFound' | 'MunicipalityNotFound' | 'NotRegisteredHere' | 'OfficeAlreadyHeld' | 'InvalidOffice' | 'EmptyValue' | 'ValueTooLong'>;
type Outcome<T, E> = { ok: true; value: T } | { ok: false; error: E };

/** What office the input names, or why it names none (checked before anyone's authority is). */
export function officeTarget(input: GrantInput): Outcome<OfficeTarget, GrantError> {
  const invalid = (field: string, message: string) => ({ ok: false as const, error: communityError.invalidOffice(field, message) });
  if (input.role !== 'STEWARD' && input.role !== 'OFFICIAL' && input.role !== 'ADMIN') {
    return invalid('role', 'Only STEWARD, OFFICIAL and ADMIN are offices; residents register themselves.');
  }
  const neighbourhoodId = input.neighbourhoodId ?? null;
  const municipalityCode = input.municipalityCode ?? null;
  if (neighbourhoodId !== null && municipalityCode !== null) return invalid('municipalityCode', 'An office holds in a neighbourhood or in a municipality, not in both.');
  if (neighbourhoodId !== null) {
    if (!isUuid(neighbourhoodId)) return { ok: false, error: communityError.neighbourhoodNotFound() };
    return { ok: true, value: { role: input.role, scope: 'NEIGHBOURHOOD', neighbourhoodId: canonicalId(neighbourhoodId), municipalityCode: null } };
  }
  if (input.role !== 'ADMIN') return invalid('role', 'A municipality and the platform have only admins; stewards and officials hold in a neighbourhood.');
  if (municipalityCode !== null) {
    if (!/^GM[0-9]{4}$/.test(municipalityCode)) return { ok: false, error: communityError.municipalityNotFound() };
    return { ok: true, value: { role: 'ADMIN', scope: 'MUNICIPALITY', neighbourhoodId: null, municipalityCode } };
  }
  return { ok: true, value: { role: 'ADMIN', scope: 'PLATFORM', neighbourhoodId: null, municipalityCode: null } };
}

function checkReason(reason: string) {
  return checkText(reason, { field: 'reason', max: REASON_MAX, required: true });
}

const HELD_INDEX = 'role_grant_held';

async function heldOffice(db: Runner, memberId: string, target: OfficeTarget): Promise<OfficeRow | null> {
  const rows: OfficeRow[] = await db.query(
    `SELECT ${COLUMNS} FROM community.role_grant
      WHERE member_id = $1 AND role = $2 AND scope = $3 AND neighbourhood_id IS NOT DISTINCT FROM $4 AND municipality_code IS NOT DISTINCT FROM $5 AND revoked_at IS NULL`,
    [memberId, target.role, target.scope, target.neighbourhoodId, target.municipalityCode],
  );
  return rows[0] ?? null;
}

/**
 * Records an office (authority already checked by the caller with mayAppoint).
 * `grantedBy` is null when an operator gives it from the command line.
 */
export async function grantOffice(
  db: DataSource,
  target: OfficeTarget,
  input: { memberId: string; reason: string; grantedBy: string | null },
  events: EventRecorder,
): Promise<Outcome<OfficeRow, GrantError>> {
  const reason = checkReason(input.reason);
  if (!reason.ok) return reason;
  if (!isUuid(input.memberId)) return { ok: false, error: communityError.notRegisteredHere() };
  const memberId = canonicalId(input.memberId);
  try {
    return await db.transaction(async (tx): Promise<Outcome<OfficeRow, GrantError>> => {
      if (target.scope === 'NEIGHBOURHOOD') {
        const found = await tx.query(`SELECT 1 FROM community.neighbourhood WHERE id = $1`, [target.neighbourhoodId]);
        if (found.length === 0) return { ok: false, error: communityError.neighbourhoodNotFound() };
        if (target.role !== 'OFFICIAL') {
          const registered = await tx.query(`SELECT 1 FROM community.member WHERE id = $1 AND neighbourhood_id = $2 AND erased_at IS NULL`, [memberId, target.neighbourhoodId]);
          if (registered.length === 0) return { ok: false, error: communityError.notRegisteredHere() };
        }
      } else if (target.scope === 'MUNICIPALITY') {
        const found = await tx.query(`SELECT 1 FROM community.municipality WHERE code = $1`, [target.municipalityCode]);
        if (found.length === 0) return { ok: false, error: communityError.municipalityNotFound() };
      }
      const held = await heldOffice(tx, memberId, target);
      if (held) return { ok: false, error: communityError.officeAlreadyHeld(held) };
      const [office]: OfficeRow[] = await tx.query(
        `INSERT INTO community.role_grant (id, member_id, role, scope, neighbourhood_id, municipality_code, granted_by, grant_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
        [randomUUID(), memberId, target.role, target.scope, target.neighbourhoodId, target.municipalityCode, input.grantedBy, reason.value],
      );
      await events.record(tx, roleEvent.granted(office));
      return { ok: true, value: office };
    });
  } catch (error) {
    // Two grants of one office at once: the unique index decides, the second is told it is held.
    if (isUniqueViolation(error, HELD_INDEX)) {
      const held = await heldOffice(db, memberId, target);
      if (held) return { ok: false, error: communityError.officeAlreadyHeld(held) };
    }
    throw error;
  }
}

type RevokeError = ErrorOf<'OfficeNotFound' | 'OfficeAlreadyRevoked' | 'EmptyValue' | 'ValueTooLong'>;

/** Records an office's revocation (authority already checked). A revocation is never undone: a new grant is a new office. */
export async function revokeOffice(
  db: DataSource,
  office: OfficeRow,
  input: { reason: string; revokedBy: string | null },
  events: EventRecorder,
): Promise<Outcome<OfficeRow, RevokeError>> {
  const reason = checkReason(input.reason);
  if (!reason.ok) return reason;
  return db.transaction(async (tx): Promise<Outcome<OfficeRow, RevokeError>> => {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [rows]: [OfficeRow[], number] = await tx.query(
      `UPDATE community.role_grant SET revoked_at = greatest(now(), granted_at), revoked_by = $2, revoke_reason = $3
        WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
      [office.id, input.revokedBy, reason.value],
    );
    if (rows.length === 0) {
      const current = await officeById(tx, office.id);
      return current ? { ok: false, error: communityError.officeAlreadyRevoked(current) } : { ok: false, error: communityError.officeNotFound() };
    }
    await events.record(tx, roleEvent.revoked(rows[0]));
    return { ok: true, value: rows[0] };
  });
}

/** Ends every office an identity holds (its erasure), by nobody's hand but the platform's; returns them as revoked. */
export async function revokeAllOffices(tx: Runner, memberId: string, at: Date, reason: string): Promise<OfficeRow[]> {
  // TypeORM answers an UPDATE … RETURNING with [rows, affected].
  const [rows]: [OfficeRow[], number] = await tx.query(
    `UPDATE community.role_grant SET revoked_at = greatest($2, granted_at), revoke_reason = $3
      WHERE member_id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
    [memberId, at, reason],
  );
  return rows;
}
