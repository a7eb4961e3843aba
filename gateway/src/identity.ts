import { createHmac } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { canonicalId, ConfigError, ErrorCode, httpError, isUuid, parseRoleGrants, anonymous, type RoleGrant, type Viewer } from '@dbwe/platform';
import type { GatewayConfig } from './config';

/** How far a token's iat may lie ahead of our clock (the issuer's clock may run fast). */
export const ISSUED_AT_SKEW_SECONDS = 60;

/**
 * Verifies bearer tokens. Algorithm, issuer and audience are pinned; keys come
 * from a shared secret (local use) or the identity provider's JWKS. A token
 * names a member by id (`sub`, a UUID, compared in lower case), was issued at
 * most JWT_MAX_AGE_SECONDS ago and not in the future: a token leaked once
 * stops working within that time, whatever its own exp says.
 */
export interface TokenVerifier {
  viewerFor(authorization: string | undefined): Promise<Viewer>;
}

export function createTokenVerifier(config: GatewayConfig): TokenVerifier {
  if (!config.JWT_SECRET && !config.JWT_JWKS_URL) throw new ConfigError('set JWT_SECRET (local) or JWT_JWKS_URL (identity provider)');
  if (config.JWT_SECRET && config.JWT_JWKS_URL) throw new ConfigError('set JWT_SECRET or JWT_JWKS_URL, not both');
  if (config.JWT_SECRET && config.JWT_SECRET.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters long');
  const subjectKey = config.IDENTITY_SUBJECT_KEY;
  if (config.JWT_SUBJECTS === 'derived' && (!subjectKey || subjectKey.length < 32)) {
    throw new ConfigError('JWT_SUBJECTS=derived needs IDENTITY_SUBJECT_KEY, a secret of at least 32 characters');
  }

  const verifyOptions = {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    algorithms: config.JWT_SECRET ? ['HS256'] : ['RS256', 'ES256'],
    requiredClaims: ['exp', 'sub', 'iat'],
  };
  const key: Uint8Array | JWTVerifyGetKey = config.JWT_SECRET
    ? new TextEncoder().encode(config.JWT_SECRET)
    : createRemoteJWKSet(new URL(config.JWT_JWKS_URL!), {
        cooldownDuration: config.JWT_JWKS_COOLDOWN_SECONDS * 1000,
        cacheMaxAge: config.JWT_JWKS_MAX_AGE_SECONDS * 1000,
        timeoutDuration: 5_000,
      });

  return {
    async viewerFor(authorization) {
      if (authorization === undefined || authorization === '') return anonymous;
      const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(authorization);
      if (!match) throw httpError(ErrorCode.UNAUTHENTICATED, 'The Authorization header must be "Bearer <token>".');
      let payload;
      try {
        ({ payload } = key instanceof Uint8Array ? await jwtVerify(match[1], key, verifyOptions) : await jwtVerify(match[1], key, verifyOptions));
      } catch (error) {
        const reason = error instanceof Error && 'code' in error ? String((error as { code: string }).code) : 'ERR_JWT_INVALID';
        throw httpError(ErrorCode.UNAUTHENTICATED, `The token was refused (${reason}).`);
      }
      const refuse = (why: string) => httpError(ErrorCode.UNAUTHENTICATED, `The token was refused: ${why}.`);
      if (config.JWT_SUBJECTS === 'derived') {
        if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 255) throw refuse('its subject (sub) is missing or longer than 255 characters');
      } else if (!isUuid(payload.sub!)) throw refuse('its subject (sub) must be a member id, a UUID');
      const now = Math.floor(Date.now() / 1000);
      if (payload.iat! > now + ISSUED_AT_SKEW_SECONDS) throw refuse('it was issued in the future (iat)');
      if (now - payload.iat! > config.JWT_MAX_AGE_SECONDS) throw refuse(`it was issued more than ${config.JWT_MAX_AGE_SECONDS} seconds ago (iat); sign in again`);
      try {
        const memberId = config.JWT_SUBJECTS === 'derived' ? derivedMemberId(subjectKey!, payload.iss!, payload.sub!) : canonicalId(payload.sub!);
        return { memberId, roles: parseRoleGrants(payload.roles) };
      } catch (error) {
        throw refuse(error instanceof Error ? error.message : 'its roles are malformed');
      }
    },
  };
}

/**
 * The member id of an identity provider's subject: HMAC-SHA256 keyed by IDENTITY_SUBJECT_KEY over
 * the issuer and the subject (each length-prefixed, so no two pairs share an input), its first 16
 * bytes as an RFC 9562 version-8 UUID. The same person at the same IdP is the same member on every
 * replica; the subject cannot be read back from the id, nor guessed from it without the key.
 */
export function derivedMemberId(key: string, issuer: string, subject: string): string {
  const field = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const digest = createHmac('sha256', key).update(Buffer.from('dbwe-member-id-v1\n')).update(field(issuer)).update(field(subject)).digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Issues a token for local development and tests; production tokens come from the identity provider. */
export async function issueLocalToken(
  secret: string,
  claims: { memberId: string; roles: RoleGrant[]; issuer?: string; audience?: string; expiresIn?: string; issuedAt?: number },
): Promise<string> {
  return new SignJWT({ roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.memberId)
    .setIssuer(claims.issuer ?? 'dbwe-local')
    .setAudience(claims.audience ?? 'dbwe-graph')
    .setIssuedAt(claims.issuedAt)
    .setExpirationTime(claims.expiresIn ?? '12h')
    .sign(new TextEncoder().encode(secret));
}
