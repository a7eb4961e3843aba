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

  const verifyOptions = {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    algorithms: config.JWT_SECRET ? ['HS256'] : ['RS256', 'ES256'],
    requiredClaims: ['exp', 'sub', 'iat'],
  };
  const key: Uint8Array | JWTVerifyGetKey = config.JWT_SECRET
    ? new TextEncoder().encode(config.JWT_SECRET)
    : createRemoteJWKSet(new URL(config.JWT_JWKS_URL!), { cooldownDuration: 30_000, timeoutDuration: 5_000 });

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
      if (!isUuid(payload.sub!)) throw refuse('its subject (sub) must be a member id, a UUID');
      const now = Math.floor(Date.now() / 1000);
      if (payload.iat! > now + ISSUED_AT_SKEW_SECONDS) throw refuse('it was issued in the future (iat)');
      if (now - payload.iat! > config.JWT_MAX_AGE_SECONDS) throw refuse(`it was issued more than ${config.JWT_MAX_AGE_SECONDS} seconds ago (iat); sign in again`);
      try {
        return { memberId: canonicalId(payload.sub!), roles: parseRoleGrants(payload.roles) };
      } catch (error) {
        throw refuse(error instanceof Error ? error.message : 'its roles are malformed');
      }
    },
  };
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
