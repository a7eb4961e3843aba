import { join } from 'node:path';
import { loadTypeDefs, mergeResolvers, scalarResolvers, type SubgraphModule } from '@dbwe/platform';
import type { Resolvers } from './generated/graphql';
import { createLoaders } from './loaders';
import { AnalysisEntity } from './analyses/analysis.entity';
import { OutcomeEntity } from './analyses/outcome.entity';
import { StakeholderEntity } from './analyses/stakeholder.entity';
import { InKindInputEntity } from './analyses/in-kind-input.entity';
import { MeasurementEntity } from './analyses/measurement.entity';
import { BidForecastEntity } from './bids/bid-forecast.entity';
import { PublishedSnapshotEntity } from './analyses/published-snapshot.entity';
import { DecimalScalar } from './analyses/decimal.scalar';
import { impactServices, type ImpactServices } from './books/ledger-books';
import { analysisResolvers, typeResolvers } from './analyses/analysis.resolvers';
import { summaryResolvers } from './summary/impact-summary.resolvers';
import { Initial1764100000000 } from './migrations/1764100000000-initial';
import { PublishedSnapshot1766000000000 } from './migrations/1766000000000-published-snapshot';
import { EventOutbox1767000000000 } from './migrations/1767000000000-event-outbox';
import { impactEvents } from './events';
import { seedDemo } from './demo/demo.seed';
import { databasePrivileges } from './database-privileges';
import { myDataResolvers } from './my-data/my-data.resolvers';
import { GraphQLJSONObject } from 'graphql-scalars';

const resolvers: Resolvers = mergeResolvers<Resolvers>(
  { DateTime: scalarResolvers.DateTime, Date: scalarResolvers.Date, Int64: scalarResolvers.Int64, Decimal: DecimalScalar, JSONObject: GraphQLJSONObject },
  myDataResolvers,
  analysisResolvers,
  summaryResolvers,
  typeResolvers,
);

/** The impact subgraph: SROI analyses, their results, sensitivity and evidence. */
export const impact: SubgraphModule<ReturnType<typeof createLoaders>, ImpactServices> = {
  name: 'impact',
  defaultPort: 4104,
  typeDefs: loadTypeDefs(join(__dirname, '..', 'schema.graphql')),
  resolvers: resolvers as SubgraphModule<ReturnType<typeof createLoaders>, ImpactServices>["resolvers"],
  entities: [AnalysisEntity, OutcomeEntity, StakeholderEntity, InKindInputEntity, MeasurementEntity, BidForecastEntity, PublishedSnapshotEntity],
  migrations: [Initial1764100000000, PublishedSnapshot1766000000000, EventOutbox1767000000000],
  databasePrivileges,
  events: impactEvents,
  services: impactServices,
  createLoaders,
  seedDemo,
};
