import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { forbidden, unauthenticated } from './errors';

export const ROLES = ['resident', 'steward', 'official', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A role held in one neighbourhood (by id), or in every neighbourhood ('*'). */
export interface RoleGrant {
  role: Role;
  neighbourhood: string;
}

/** Who is asking. The anonymous public has no member id and no roles. */
export interface Viewer {
  memberId: string | null;
  roles: RoleGrant[];
}

export const anonymous: Viewer = Object.freeze({ memberId: null, roles: [] }) as Viewer;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when the viewer holds one of the roles in that neighbourhood; admin holds every role. */
export function hasRole(viewer: Viewer, roles: readonly Role[], neighbourhoodId: string): boolean {
  return viewer.roles.some(
    (grant) =>
      (grant.neighbourhood === neighbourhoodId || grant.neighbourhood === '*') &&
      (grant.role === 'admin' || roles.includes(grant.role)),
  );
}

export function isAdmin(viewer: Viewer, neighbourhoodId: string): boolean {
  return hasRole(viewer, ['admin'], neighbourhoodId);
}

/** Throws UNAUTHENTICATED for the public and FORBIDDEN for a viewer without the role. */
export function requireRole(viewer: Viewer, roles: readonly Role[], neighbourhoodId: string, action: string): void {
  if (viewer.memberId === null && viewer.roles.length === 0) throw unauthenticated(`Sign in to ${action}.`);
  if (!hasRole(viewer, roles, neighbourhoodId)) {
    throw forbidden(`Only a ${roles.join(' or ')} of this neighbourhood may ${action}.`);
  }
}

/** Throws unless the viewer is a signed-in member; returns their id. */
export function requireMember(viewer: Viewer, action: string): string {
  if (viewer.memberId === null) throw unauthenticated(`Sign in as a member to ${action}.`);
  return viewer.memberId;
}

/**
 * The gateway tells subgraphs who is asking with a short-lived HS256 token
 * signed with a secret only they share. Clients cannot forge it, and a
 * subgraph reached directly, without it, answers nothing.
 */
export const ASSERTION_HEADER = 'x-dbwe-assertion';
export const REQUEST_ID_HEADER = 'x-request-id';
const ASSERTION_ISSUER = 'dbwe-gateway';
const ASSERTION_AUDIENCE = 'dbwe-subgraphs';
/** The longest an assertion lives; subgraphs refuse older ones (with a few seconds of clock slack). */
export const ASSERTION_TTL_SECONDS = 60;

export interface Assertion {
  viewer: Viewer;
  requestId: string;
}

const secretKey = (secret: string) => new TextEncoder().encode(secret);

export async function signAssertion(secret: string, assertion: Assertion, ttlSeconds = ASSERTION_TTL_SECONDS): Promise<string> {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > ASSERTION_TTL_SECONDS) {
    throw new RangeError(`An assertion lives between 1 and ${ASSERTION_TTL_SECONDS} seconds, not ${ttlSeconds}.`);
  }
  return new SignJWT({ roles: assertion.viewer.roles, rid: assertion.requestId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(assertion.viewer.memberId ?? 'anonymous')
    .setIssuer(ASSERTION_ISSUER)
    .setAudience(ASSERTION_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(secretKey(secret));
}

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export async function verifyAssertion(secret: string, token: string | undefined): Promise<Assertion> {
  if (!token) throw new AssertionError('This service answers only requests that come through the gateway.');
  try {
    const { payload } = await jwtVerify(token, secretKey(secret), {
      algorithms: ['HS256'],
      issuer: ASSERTION_ISSUER,
      audience: ASSERTION_AUDIENCE,
      maxTokenAge: ASSERTION_TTL_SECONDS + 5,
    });
    const roles = parseRoleGrants(payload.roles);
    const memberId = payload.sub && payload.sub !== 'anonymous' ? payload.sub : null;
    return { viewer: { memberId, roles }, requestId: typeof payload.rid === 'string' ? payload.rid : '' };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError || error instanceof AssertionError) {
      throw new AssertionError('The gateway assertion is invalid or expired.');
    }
    throw error;
  }
}

export function parseRoleGrants(value: unknown): RoleGrant[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new AssertionError('roles must be a list');
  return value.map((grant) => {
    if (typeof grant !== 'object' || grant === null) throw new AssertionError('a role grant must be an object');
    const { role, neighbourhood } = grant as Record<string, unknown>;
    if (!isRole(role)) throw new AssertionError(`unknown role ${String(role)}`);
    if (typeof neighbourhood !== 'string' || neighbourhood === '') throw new AssertionError('a role grant needs a neighbourhood');
    return { role, neighbourhood };
  });
}
