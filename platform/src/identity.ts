import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, decodeJwt, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import { isUuid } from './ids';
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
      (grant.neighbourhood === '*' || canonicalId(grant.neighbourhood) === canonicalId(neighbourhoodId)) &&
      (grant.role === 'admin' || roles.includes(grant.role)),
  );
}

export function isAdmin(viewer: Viewer, neighbourhoodId: string): boolean {
  return hasRole(viewer, ['admin'], neighbourhoodId);
}

/**
 * True for an admin of the whole installation: admin in every neighbourhood ('*'), as a PLATFORM
 * ADMIN grant reaches resolvers. Only they register municipalities and onboard neighbourhoods anywhere.
 */
export function isPlatformAdmin(viewer: Viewer): boolean {
  return viewer.memberId !== null && viewer.roles.some((grant) => grant.role === 'admin' && grant.neighbourhood === '*');
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

/** The services behind the gateway; each is the audience of the assertions made for it. */
export const SUBGRAPH_NAMES = ['community', 'projects', 'ledger', 'impact'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/**
 * The gateway tells a subgraph who is asking with an assertion: a JWT signed
 * (EdDSA) with a key only the gateway holds, for that one subgraph (`aud`),
 * for that one request body (`bh`, its SHA-256), living at most
 * ASSERTION_TTL_SECONDS. Subgraphs hold only the public key, so none of them
 * (nor anyone who reads a subgraph's environment) can speak for a member to
 * another, and an assertion captured on its way to one subgraph is refused
 * by the others and for any other operation. A subgraph reached directly,
 * without one, answers nothing.
 */
export const ASSERTION_HEADER = 'x-dbwe-assertion';
/**
 * A subgraph reading the graph for its own checks says which service it is
 * with this header: a JWT signed with that subgraph's own key, which the
 * gateway knows the public half of. It only ever reads as the anonymous
 * public; no subgraph accepts it.
 */
export const SERVICE_ASSERTION_HEADER = 'x-dbwe-service-assertion';
export const REQUEST_ID_HEADER = 'x-request-id';
const GATEWAY_ISSUER = 'dbwe-gateway';
const SERVICE_ISSUER_PREFIX = 'dbwe-service:';
/** The longest an assertion lives; subgraphs refuse older ones (with a few seconds of clock slack). */
export const ASSERTION_TTL_SECONDS = 30;
const CLOCK_SLACK_SECONDS = 5;

export interface Assertion {
  viewer: Viewer;
  requestId: string;
}

/** A verified assertion, with its id (`jti`): a subgraph takes each id once (UsedAssertions). */
export interface VerifiedAssertion extends Assertion {
  id: string;
}

/**
 * The ids of the assertions a subgraph accepted, kept for as long as any of them could be accepted
 * again (its lifetime and the clock slack on both ends), so that an assertion is taken once: the very
 * request captured on its way and sent again is refused, a mutation without an idempotency key
 * included. Two generations, each as long as that window: an id stays at least the window, at most
 * twice it, and memory is the ids of at most two windows of requests. Per process: behind a load
 * balancer, another instance of the same subgraph has its own.
 */
export class UsedAssertions {
  static readonly WINDOW_MS = (ASSERTION_TTL_SECONDS + 2 * CLOCK_SLACK_SECONDS) * 1000;
  private current = new Set<string>();
  private previous = new Set<string>();
  private startedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  /** True the first time an id is offered, false every time after, within the window. */
  firstUse(id: string): boolean {
    const now = this.now();
    const elapsed = now - this.startedAt;
    if (elapsed >= UsedAssertions.WINDOW_MS) {
      this.previous = elapsed >= 2 * UsedAssertions.WINDOW_MS ? new Set() : this.current;
      this.current = new Set();
      this.startedAt = now;
    }
    if (this.current.has(id) || this.previous.has(id)) return false;
    this.current.add(id);
    return true;
  }
}

/** What binds an assertion to its request: the SHA-256 of the exact body, base64url. */
export function requestBodyHash(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('base64url');
}

/** Ids compare in one form on both sides: lower case, as PostgreSQL prints a uuid. */
export function canonicalId(id: string): string {
  return id.toLowerCase();
}

export async function signAssertion(
  key: KeyObject,
  audience: SubgraphName,
  assertion: Assertion,
  body: string,
  ttlSeconds = ASSERTION_TTL_SECONDS,
): Promise<string> {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > ASSERTION_TTL_SECONDS) {
    throw new RangeError(`An assertion lives between 1 and ${ASSERTION_TTL_SECONDS} seconds, not ${ttlSeconds}.`);
  }
  const jwt = new SignJWT({ roles: assertion.viewer.roles, rid: assertion.requestId, bh: requestBodyHash(body) })
    .setProtectedHeader({ alg: 'EdDSA' })
    // Each one its own id, also two fetches with the same body in the same second (EdDSA signatures are deterministic).
    .setJti(randomUUID())
    .setIssuer(GATEWAY_ISSUER)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`);
  if (assertion.viewer.memberId !== null) jwt.setSubject(assertion.viewer.memberId);
  return jwt.sign(key);
}

export class AssertionError extends Error {
  override name = 'AssertionError';
}

function refusal(error: unknown, fallback: string): never {
  if (error instanceof AssertionError) throw error;
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') {
    throw new AssertionError('The assertion was made for another service.');
  }
  if (error instanceof joseErrors.JOSEError) throw new AssertionError(fallback);
  throw error;
}

function checkBinding(payload: JWTPayload, body: string | undefined): void {
  if (body === undefined) throw new AssertionError('An assertion is bound to a request body: send the operation with POST.');
  if (payload.bh !== requestBodyHash(body)) throw new AssertionError('The assertion was made for another request.');
}

/** Verifies an assertion for this subgraph (`audience`) and this request body. */
export async function verifyAssertion(key: KeyObject, audience: SubgraphName, token: string | undefined, body: string | undefined): Promise<VerifiedAssertion> {
  if (!token) throw new AssertionError('This service answers only requests that come through the gateway.');
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['EdDSA'],
      issuer: GATEWAY_ISSUER,
      audience,
      requiredClaims: ['exp', 'iat', 'bh', 'jti'],
      maxTokenAge: ASSERTION_TTL_SECONDS,
      clockTolerance: CLOCK_SLACK_SECONDS,
    });
    checkBinding(payload, body);
    if (typeof payload.jti !== 'string' || payload.jti === '') throw new AssertionError('The gateway assertion is invalid or expired.');
    const roles = parseRoleGrants(payload.roles);
    if (payload.sub !== undefined && !isUuid(payload.sub)) throw new AssertionError('The assertion names no member.');
    if (payload.sub === undefined && roles.length > 0) throw new AssertionError('The assertion gives roles to nobody.');
    const memberId = payload.sub === undefined ? null : canonicalId(payload.sub);
    return { viewer: { memberId, roles }, requestId: typeof payload.rid === 'string' ? payload.rid : '', id: payload.jti };
  } catch (error) {
    refusal(error, 'The gateway assertion is invalid or expired.');
  }
}

/** A subgraph's own request to the graph (GraphClient), bound to its body like the gateway's. */
export async function signServiceAssertion(key: KeyObject, service: SubgraphName, body: string): Promise<string> {
  return new SignJWT({ bh: requestBodyHash(body) })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer(`${SERVICE_ISSUER_PREFIX}${service}`)
    .setSubject(service)
    .setAudience(GATEWAY_ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${ASSERTION_TTL_SECONDS}s`)
    .sign(key);
}

/** A verified service assertion: who sent it, and the body it was made for (checked once the body is read). */
export interface ServiceAssertion {
  service: SubgraphName;
  checkBody(body: string | undefined): void;
}

/** Verifies a service assertion against the public key of the service it names. */
export async function verifyServiceAssertion(keys: Partial<Record<SubgraphName, KeyObject>>, token: string): Promise<ServiceAssertion> {
  try {
    const claimed = decodeJwt(token).iss;
    const service = SUBGRAPH_NAMES.find((name) => claimed === `${SERVICE_ISSUER_PREFIX}${name}`);
    const key = service && keys[service];
    if (!service || !key) throw new AssertionError('The service assertion names no service this gateway knows.');
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['EdDSA'],
      issuer: `${SERVICE_ISSUER_PREFIX}${service}`,
      subject: service,
      audience: GATEWAY_ISSUER,
      requiredClaims: ['exp', 'iat', 'bh'],
      maxTokenAge: ASSERTION_TTL_SECONDS,
      clockTolerance: CLOCK_SLACK_SECONDS,
    });
    return { service, checkBody: (body) => checkBinding(payload, body) };
  } catch (error) {
    refusal(error, 'The service assertion is invalid or expired.');
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
    return { role, neighbourhood: canonicalId(neighbourhood) };
  });
}
