import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { ConfigError, ErrorCode, httpError, parseRoleGrants, anonymous, type RoleGrant, type Viewer } from '@dbwe/platform';
import type { GatewayConfig } from './config';

/**
 * Verifies bearer tokens. Algorithm, issuer and audience are pinned; keys come
 * from a shared secret (local use) or the identity provider's JWKS.
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
    requiredClaims: ['exp', 'sub'],
  };
  const key: Uint8Array | JWTVerifyGetKey = config.JWT_SECRET
    ? new TextEncoder().encode(config.JWT_SECRET)
    : createRemoteJWKSet(new URL(config.JWT_JWKS_URL!), { cooldownDuration: 30_000, timeoutDuration: 5_000 });

  return {
    async viewerFor(authorization) {
      if (authorization === undefined || authorization === '') return anonymous;
      const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(authorization);
      if (!match) throw httpError(ErrorCode.UNAUTHENTICATED, 'The Authorization header must be "Bearer <token>".');
      try {
        const { payload } =
          key instanceof Uint8Array ? await jwtVerify(match[1], key, verifyOptions) : await jwtVerify(match[1], key, verifyOptions);
        return { memberId: payload.sub!, roles: parseRoleGrants(payload.roles) };
      } catch (error) {
        const reason = error instanceof Error && 'code' in error ? String((error as { code: string }).code) : 'ERR_JWT_INVALID';
        throw httpError(ErrorCode.UNAUTHENTICATED, `The token was refused (${reason}).`);
      }
    },
  };
}

/** Issues a token for local development and tests; production tokens come from the identity provider. */
export async function issueLocalToken(
  secret: string,
  claims: { memberId: string; roles: RoleGrant[]; issuer?: string; audience?: string; expiresIn?: string },
): Promise<string> {
  return new SignJWT({ roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.memberId)
    .setIssuer(claims.issuer ?? 'dbwe-local')
    .setAudience(claims.audience ?? 'dbwe-graph')
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '12h')
    .sign(new TextEncoder().encode(secret));
}
