import { forbidden } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { requireCallerId } from '../access';
import { eraseMember, exportMemberData } from './privacy.commands';

export const privacyResolvers: Resolvers = {
  Mutation: {
    async exportMyData(_parent, _args, context) {
      const id = requireCallerId(context, 'export your data');
      return { exportedAt: new Date(), data: await exportMemberData(context.db, id) };
    },
    async eraseMe(_parent, _args, context) {
      const id = requireCallerId(context, 'erase your data');
      if (!(await context.loaders.member.load(id))) throw forbidden('There is no member to erase: this identity never registered.');
      return { member: await eraseMember(context.db, id, context.events) };
    },
  },
};
