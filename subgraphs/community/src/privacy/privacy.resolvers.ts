import { forbidden, requireOwnExport } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { requireCallerId } from '../access';
import { eraseMember, exportMemberData } from './privacy.commands';

export const privacyResolvers: Resolvers = {
  Mutation: {
    exportMyData(_parent, _args, context) {
      return { memberId: requireCallerId(context, 'export your data'), exportedAt: new Date() };
    },
    async eraseMe(_parent, _args, context) {
      const id = requireCallerId(context, 'erase your data');
      if (!(await context.loaders.member.load(id))) throw forbidden('There is no member to erase: this identity never registered.');
      return { member: await eraseMember(context.db, id, context.events) };
    },
  },
  // Every field checks the reader, so `_entities` with someone else's id gets nothing either.
  MyDataExport: {
    __resolveReference(ref, { viewer }) {
      requireOwnExport(viewer, ref);
      return { memberId: ref.memberId, exportedAt: new Date() };
    },
    memberId(e, _args, { viewer }) {
      requireOwnExport(viewer, e);
      return e.memberId;
    },
    async erased(e, _args, { viewer, loaders }) {
      requireOwnExport(viewer, e);
      return (await loaders.member.load(e.memberId))?.erasedAt != null;
    },
    exportedAt(e, _args, { viewer }) {
      requireOwnExport(viewer, e);
      return e.exportedAt;
    },
    data(e, _args, { viewer, db }) {
      requireOwnExport(viewer, e);
      return exportMemberData(db, e.memberId);
    },
  },
};
