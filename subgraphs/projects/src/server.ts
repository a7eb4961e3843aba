import { join } from 'node:path';
import { loadTypeDefs, scalarResolvers, type SubgraphModule } from '@dbwe/platform';
import type { Resolvers } from './generated/graphql';
import { createLoaders } from './loaders';
import { ProjectEntity } from './projects/project.entity';
import { projectResolvers } from './projects/project.resolvers';
import { Initial1764100000000 } from './migrations/1764100000000-initial';
import { seedDemo } from './demo/demo.seed';

const resolvers: Resolvers = {
  DateTime: scalarResolvers.DateTime,
  Date: scalarResolvers.Date,
  Query: { ...projectResolvers.Query },
  Project: projectResolvers.Project,
  Neighbourhood: projectResolvers.Neighbourhood,
};

/** The projects subgraph: projects and Right to Challenge bids. */
export const projects: SubgraphModule<ReturnType<typeof createLoaders>> = {
  name: 'projects',
  defaultPort: 4102,
  typeDefs: loadTypeDefs(join(__dirname, '..', 'schema.graphql')),
  resolvers: resolvers as SubgraphModule<ReturnType<typeof createLoaders>>['resolvers'],
  entities: [ProjectEntity],
  migrations: [Initial1764100000000],
  createLoaders,
  seedDemo,
};
