import { isPairKey, readPage, toConnection } from '@dbwe/platform';
import type { Resolvers } from '../generated/graphql';
import { ProjectEntity } from './project.entity';

const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

export const projectResolvers: Resolvers = {
  Query: {
    project: (_parent, { id }, { loaders }) => (isUuid(id) ? loaders.project.load(id) : null),
  },
  Project: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.project.load(ref.id) : null),
    neighbourhood: (p) => ({ id: p.neighbourhoodId }),
    coordinator: (p) => (p.coordinatorId ? { id: p.coordinatorId } : null),
  },
  Neighbourhood: {
    __resolveReference: (ref) => ({ id: ref.id }),
    async projects(n, args, { db }) {
      const page = readPage(args, isPairKey);
      const query = db.getRepository(ProjectEntity).createQueryBuilder('p').where('p.neighbourhood_id = :id', { id: n.id });
      if (args.status) query.andWhere('p.status = :status', { status: args.status });
      const totalCount = await query.clone().getCount();
      if (page.after) {
        query.andWhere('(p.created_at, p.id) < (:at::timestamptz, :after::uuid)', { at: page.after[0], after: page.after[1] });
      }
      const rows = await query.orderBy('p.created_at', 'DESC').addOrderBy('p.id', 'DESC').limit(page.limit + 1).getMany();
      return { ...toConnection(rows, page, (p) => [p.createdAt.toISOString(), p.id]), totalCount };
    },
  },
};
