import type { Resolvers } from '../generated/graphql';
import { isUuid } from '@dbwe/platform';
import { byTypename } from '../shared/results';
import { emptyConnection } from '../shared/connections';
import * as commands from './project.commands';

export const projectResolvers: Resolvers = {
  Query: {
    project: (_parent, { id }, { loaders }) => (isUuid(id) ? loaders.project.load(id) : null),
  },
  Mutation: {
    proposeProject: (_parent, { input }, context) => commands.proposeProject(context, input),
    updateProject: (_parent, { input }, context) => commands.updateProject(context, input),
    changeProjectStatus: (_parent, { input }, context) => commands.changeProjectStatus(context, input),
    adoptWish: (_parent, { input }, context) => commands.adoptWish(context, input),
    addProjectParticipant: (_parent, { input }, context) => commands.addParticipant(context, input),
    removeProjectParticipant: (_parent, { input }, context) => commands.removeParticipant(context, input),
    addMilestone: (_parent, { input }, context) => commands.addMilestone(context, input),
    reachMilestone: (_parent, { input }, context) => commands.reachMilestone(context, input),
  },
  Project: {
    __resolveReference: (ref, { loaders }) => (isUuid(ref.id) ? loaders.project.load(ref.id) : null),
    neighbourhood: (p) => ({ id: p.neighbourhoodId }),
    themes: (p) => p.themeIds.map((id) => ({ id })),
    projectThemes: (p) => p.themeIds.map((themeId) => ({ themeId })),
    originatingWishes: async (p, _args, { loaders }) => (await loaders.wishesByProject.load(p.id)).map((w) => ({ id: w.wishId })),
    wishAdoptions: (p, _args, { loaders }) => loaders.wishesByProject.load(p.id),
    coordinator: (p) => (p.coordinatorId ? { id: p.coordinatorId } : null),
    participants: (p, _args, { loaders }) => loaders.participantsByProject.load(p.id),
    milestones: (p, _args, { loaders }) => loaders.milestonesByProject.load(p.id),
    timeline: (p, _args, { loaders }) => loaders.eventsByProject.load(p.id),
    lessons: (p, _args, { loaders }) => loaders.lessonsByProject.load(p.id),
    executes: (p, _args, { loaders }) => loaders.bidByExecutingProject.load(p.id),
  },
  ProjectParticipant: {
    member: (pp) => ({ id: pp.memberId }),
  },
  ProjectTheme: {
    theme: (t) => ({ id: t.themeId }),
  },
  WishAdoption: {
    wish: (w) => ({ id: w.wishId }),
    adoptedBy: (w) => ({ id: w.adoptedBy }),
  },
  Milestone: {
    reached: (m) => m.reachedOn !== null,
  },
  ProjectEvent: {
    actor: (e) => ({ id: e.actorId }),
    milestone: (e, _args, { loaders }) => (e.milestoneId ? loaders.milestone.load(e.milestoneId) : null),
    wish: (e) => (e.wishId ? { id: e.wishId } : null),
  },
  Wish: {
    __resolveReference: (ref) => ({ id: ref.id }),
    projects: async (w, _args, { loaders }) => (isUuid(w.id) ? (await loaders.projectsByWish.load(w.id)).map((row) => row.project) : []),
  },
  Member: {
    __resolveReference: (ref) => ({ id: ref.id }),
    projects: (m, args, { loaders }) =>
      isUuid(m.id)
        ? loaders.memberProjects.load({ memberId: m.id, status: args.status ?? null, first: args.first ?? null, after: args.after ?? null })
        : emptyConnection<never>(),
  },
  ProposeProjectResult: byTypename,
  UpdateProjectResult: byTypename,
  ChangeProjectStatusResult: byTypename,
  AdoptWishResult: byTypename,
  ParticipantResult: byTypename,
  AddMilestoneResult: byTypename,
  ReachMilestoneResult: byTypename,
};
