import { join } from 'node:path';
import { loadTypeDefs, scalarResolvers, type SubgraphModule } from '@dbwe/platform';
import type { Resolvers } from './generated/graphql';
import { createLoaders } from './loaders';
import { NeighbourhoodEntity } from './neighbourhoods/neighbourhood.entity';
import { MemberEntity } from './members/member.entity';
import { neighbourhoodResolvers } from './neighbourhoods/neighbourhood.resolvers';
import { memberResolvers } from './members/member.resolvers';
import { Initial1764100000000 } from './migrations/1764100000000-initial';
import { seedDemo } from './demo/demo.seed';

const resolvers: Resolvers = {
  DateTime: scalarResolvers.DateTime,
  Query: { ...neighbourhoodResolvers.Query, ...memberResolvers.Query },
  Neighbourhood: neighbourhoodResolvers.Neighbourhood,
  Member: memberResolvers.Member,
};

/** The community subgraph: neighbourhoods, members, wishes and polls. */
export const community: SubgraphModule<ReturnType<typeof createLoaders>> = {
  name: 'community',
  defaultPort: 4101,
  typeDefs: loadTypeDefs(join(__dirname, '..', 'schema.graphql')),
  resolvers: resolvers as SubgraphModule<ReturnType<typeof createLoaders>>['resolvers'],
  entities: [NeighbourhoodEntity, MemberEntity],
  migrations: [Initial1764100000000],
  createLoaders,
  seedDemo,
};
