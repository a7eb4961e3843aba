import type { Logger } from 'pino';
import { ASSERTION_HEADER, ErrorCode, REQUEST_ID_HEADER, canonicalId, httpError, parseRoleGrants, type RoleGrant, type Viewer } from '@dbwe/platform';
import { createSubgraphFetcher } from './subgraph-fetcher';

/*
 * Roles held by the platform (issue 20). A token says who someone is; what they may do is
 * what community records: being registered in a neighbourhood (resident there) and the offices
 * admins gave (steward, official, admin). The gateway asks community for them on every request
 * it authenticates, before any planning, so a grant or a revocation holds from the next request
 * and every subgraph checks exactly the roles the graph shows (`Member.roles`,
 * `whoAmI.platformRoles`). Anonymous requests ask nothing.
 *
 * TOKEN_ROLES says what becomes of the roles a token carries: `ignore` (production's default:
 * only the platform's roles count) or `honour` (local development and the tests' own tokens:
 * the token's roles count as well, as before roles moved into the platform).
 */

export type TokenRoles = 'honour' | 'ignore';

/** TOKEN_ROLES as set, `unless-production` meaning ignore under NODE_ENV=production and honour elsewhere. */
export function tokenRolesMode(setting: 'honour' | 'ignore' | 'unless-production', nodeEnv: string): TokenRoles {
  if (setting !== 'unless-production') return setting;
  return nodeEnv === 'production' ? 'ignore' : 'honour';
}

const QUERY = '{ whoAmI { platformRoles { role everyNeighbourhood neighbourhoodId } } }';

type Sign = (assertion: { viewer: Viewer; requestId: string }, body: string) => Promise<string>;

export interface PlatformRoles {
  readonly mode: TokenRoles;
  /** The viewer with the roles this request enforces: the platform's, and the token's when TOKEN_ROLES=honour. */
  complete(viewer: Viewer, requestId: string): Promise<Viewer>;
}

/** Both lists without repeats, the platform's first. */
function union(platform: RoleGrant[], token: RoleGrant[]): RoleGrant[] {
  const seen = new Set(platform.map((g) => `${g.role}@${canonicalId(g.neighbourhood)}`));
  return [...platform, ...token.filter((g) => !seen.has(`${g.role}@${canonicalId(g.neighbourhood)}`))];
}

export function createPlatformRoles(communityUrl: string, sign: Sign, options: { mode: TokenRoles; timeoutMs: number; logger: Logger }): PlatformRoles {
  const fetchCommunity = createSubgraphFetcher(options.timeoutMs);
  const { mode, logger } = options;

  async function read(memberId: string, requestId: string): Promise<RoleGrant[]> {
    const body = JSON.stringify({ query: QUERY });
    // Asked as the member alone, with no roles: community answers from its own records.
    const assertion = await sign({ viewer: { memberId, roles: [] }, requestId }, body);
    const response = await fetchCommunity(communityUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [ASSERTION_HEADER]: assertion, [REQUEST_ID_HEADER]: requestId },
      body,
    });
    const answer = (await response.json()) as {
      data?: { whoAmI?: { platformRoles?: { role: string; everyNeighbourhood: boolean; neighbourhoodId: string | null }[] } };
      errors?: { message: string }[];
    };
    const roles = answer.data?.whoAmI?.platformRoles;
    if (!response.ok || !roles) throw new Error(`community answered ${response.status}: ${answer.errors?.[0]?.message ?? 'no roles'}`);
    return parseRoleGrants(roles.map((r) => ({ role: r.role.toLowerCase(), neighbourhood: r.everyNeighbourhood ? '*' : r.neighbourhoodId })));
  }

  return {
    mode,
    async complete(viewer, requestId) {
      if (viewer.memberId === null) return viewer;
      let platform: RoleGrant[];
      try {
        platform = await read(viewer.memberId, requestId);
      } catch (error) {
        if (mode === 'honour') {
          // Local development: the token's roles are believed anyway; keep serving on them.
          logger.warn({ err: error, requestId }, "The platform's roles could not be read; this request runs on the token's roles (TOKEN_ROLES=honour)");
          return viewer;
        }
        logger.warn({ err: error, requestId }, "The platform's roles could not be read");
        throw Object.assign(httpError(ErrorCode.SERVICE_UNAVAILABLE, 'Who may do what cannot be read right now; nothing was done. Try again shortly.'), {
          retryAfterSeconds: 2,
        });
      }
      return { memberId: viewer.memberId, roles: mode === 'honour' ? union(platform, viewer.roles) : platform };
    },
  };
}
