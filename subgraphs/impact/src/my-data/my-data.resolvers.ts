import { requireOwnExport } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { exportImpactData } from './my-data.export';

export const myDataResolvers: Resolvers = {
  MyDataExport: {
    __resolveReference: (ref) => ref,
    // The check is on the field, so every path to it (the gateway's plan, `_entities`) is checked.
    async impact(e, _args, { viewer, db }) {
      requireOwnExport(viewer, e);
      return e.erased ? {} : exportImpactData(db, e.memberId);
    },
  },
};
