import { join } from 'node:path';
import { loadTypeDefs, scalarResolvers, type SubgraphModule } from '@dbwe/platform';
import type { Resolvers } from './generated/graphql';
import { createLoaders } from './loaders';
import { AnalysisEntity } from './analyses/analysis.entity';
import { OutcomeEntity } from './analyses/outcome.entity';
import { analysisResolvers } from './analyses/analysis.resolvers';
import { Initial1764100000000 } from './migrations/1764100000000-initial';
import { seedDemo } from './demo/demo.seed';

const resolvers: Resolvers = {
  Date: scalarResolvers.Date,
  Int64: scalarResolvers.Int64,
  Query: { ...analysisResolvers.Query },
  SroiAnalysis: analysisResolvers.SroiAnalysis,
  Outcome: analysisResolvers.Outcome,
  Project: analysisResolvers.Project,
  SroiResult: analysisResolvers.SroiResult,
};

/** The impact subgraph: SROI analyses and their results. */
export const impact: SubgraphModule<ReturnType<typeof createLoaders>> = {
  name: 'impact',
  defaultPort: 4104,
  typeDefs: loadTypeDefs(join(__dirname, '..', 'schema.graphql')),
  resolvers: resolvers as SubgraphModule<ReturnType<typeof createLoaders>>['resolvers'],
  entities: [AnalysisEntity, OutcomeEntity],
  migrations: [Initial1764100000000],
  createLoaders,
  seedDemo,
};
