import { join } from 'node:path';
import { GraphQLJSONObject } from 'graphql-scalars';
import { loadTypeDefs, mergeResolvers, scalarResolvers, type SubgraphModule } from '@dbwe/platform';
import type { Resolvers } from './generated/graphql';
import { createLoaders, type Loaders } from './loaders';
import { ProjectEntity, ProjectWishEntity } from './projects/project.entity';
import { ParticipantEntity } from './projects/participant.entity';
import { MilestoneEntity } from './projects/milestone.entity';
import { ProjectEventEntity } from './projects/project-event.entity';
import { LessonEntity, LessonMediaEntity, LessonThemeEntity } from './lessons/lesson.entity';
import { BidAssessmentEntity, BidChallengerEntity, BidEntity, BidEventEntity } from './bids/bid.entity';
import { projectResolvers } from './projects/project.resolvers';
import { bidResolvers } from './bids/bid.resolvers';
import { lessonResolvers } from './lessons/lesson.resolvers';
import { neighbourhoodResolvers } from './neighbourhoods/neighbourhood.resolvers';
import { myDataResolvers } from './my-data/my-data.resolvers';
import { byTypename } from './shared/results';
import { Initial1764100000000 } from './migrations/1764100000000-initial';
import { LifecycleAndBids1764200000000 } from './migrations/1764200000000-lifecycle-and-bids';
import { TimelineOrder1764400000000 } from './migrations/1764400000000-timeline-order';
import { SyncIndexes1764500000000 } from './migrations/1764500000000-sync-indexes';
import { EventOutbox1767000000000 } from './migrations/1767000000000-event-outbox';
import { LessonThemesMedia1768000000000 } from './migrations/1768000000000-lesson-themes-media';
import { projectsEvents } from './events';
import { seedDemo } from './demo/demo.seed';
import { databasePrivileges } from './database-privileges';
import { projectsServices, type ProjectsServices } from './integrity/references.service';

const resolvers: Resolvers = mergeResolvers<Resolvers>(
  { DateTime: scalarResolvers.DateTime, Date: scalarResolvers.Date, Int64: scalarResolvers.Int64, JSONObject: GraphQLJSONObject, ProjectsError: byTypename },
  projectResolvers,
  bidResolvers,
  lessonResolvers,
  neighbourhoodResolvers,
  myDataResolvers,
);

/** The projects subgraph: projects, their lessons, and Right to Challenge bids. */
export const projects: SubgraphModule<Loaders, ProjectsServices> = {
  name: 'projects',
  defaultPort: 4102,
  typeDefs: loadTypeDefs(join(__dirname, '..', 'schema.graphql')),
  resolvers: resolvers as SubgraphModule<Loaders, ProjectsServices>['resolvers'],
  entities: [ProjectEntity, ProjectWishEntity, ParticipantEntity, MilestoneEntity, ProjectEventEntity, LessonEntity, LessonThemeEntity, LessonMediaEntity, BidEntity, BidChallengerEntity, BidAssessmentEntity, BidEventEntity],
  migrations: [Initial1764100000000, LifecycleAndBids1764200000000, TimelineOrder1764400000000, SyncIndexes1764500000000, EventOutbox1767000000000, LessonThemesMedia1768000000000],
  databasePrivileges,
  events: projectsEvents,
  services: projectsServices,
  createLoaders,
  seedDemo,
};
