import { forbidden, isPlatformAdmin, unauthenticated } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import type { Context } from '../context';
import { onboardNeighbourhood, registerMunicipality } from './onboarding.commands';
import { chartTemplateKey } from './onboarding.rules';

/**
 * Whether the caller administers the municipality: a held MUNICIPALITY ADMIN grant. Such grants
 * are not part of the viewer (which carries neighbourhood roles and platform admins), so they are
 * read here, on the request that needs them.
 */
async function isMunicipalityAdmin(context: Context, municipalityCode: string): Promise<boolean> {
  if (context.viewer.memberId === null) return false;
  const rows: unknown[] = await context.db.query(
    `SELECT 1 FROM community.role_grant
      WHERE member_id = $1 AND role = 'ADMIN' AND scope = 'MUNICIPALITY' AND municipality_code = $2 AND revoked_at IS NULL`,
    [context.viewer.memberId, municipalityCode.trim()],
  );
  return rows.length > 0;
}

function requireSignedIn(context: Context, action: string): string {
  if (context.viewer.memberId === null) throw unauthenticated(`Sign in to ${action}.`);
  return context.viewer.memberId;
}

export const onboardingResolvers: Resolvers = {
  Mutation: {
    async registerMunicipality(_parent, { input }, context) {
      const actorId = requireSignedIn(context, 'register a municipality');
      if (!isPlatformAdmin(context.viewer)) throw forbidden('Only a platform admin may register a municipality.');
      const outcome = await registerMunicipality(context.db, input, actorId, context.events);
      return outcome.ok ? { __typename: 'RegisterMunicipalitySuccess', ...outcome.value } : outcome.error;
    },
    async onboardNeighbourhood(_parent, { input }, context) {
      const actorId = requireSignedIn(context, 'onboard a neighbourhood');
      if (!isPlatformAdmin(context.viewer) && !(await isMunicipalityAdmin(context, input.municipalityCode))) {
        throw forbidden("Only a platform admin or an admin of the neighbourhood's municipality may onboard a neighbourhood.");
      }
      const chartTemplate = input.chartTemplate ? chartTemplateKey(input.chartTemplate) : null;
      const outcome = await onboardNeighbourhood(context.db, { ...input, chartTemplate }, actorId, context.events);
      return outcome.ok
        ? { __typename: 'OnboardNeighbourhoodSuccess', neighbourhood: outcome.value.neighbourhood, firstAdmin: outcome.value.firstAdmin, firstAdminGrantId: outcome.value.firstAdminGrantId }
        : outcome.error;
    },
  },
};
