import type { AuditFact, DomainEvent, EventsDeclaration } from '@dbwe/platform';
import type { BidAction, BidStatus } from './bids/bid-lifecycle';
import type { ProjectEntity } from './projects/project.entity';
import type { BidEntity } from './bids/bid.entity';

/*
 * The domain events the projects subgraph records (docs/events.md lists
 * every one and its data). Data holds ids, states and dates, never free
 * text: titles, summaries and rationales are read through the graph, where
 * erasure and access rules apply.
 */

/** The event each step of a bid's lifecycle records. */
const BID_STEP_EVENTS = {
  SUBMIT: 'bid.submitted',
  WITHDRAW: 'bid.withdrawn',
  START_ASSESSMENT: 'bid.assessment-started',
  HONOUR: 'bid.decided',
  HONOUR_WITH_CONDITIONS: 'bid.decided',
  REJECT: 'bid.decided',
  SIGN_AGREEMENT: 'bid.agreement-signed',
  START_EXECUTION: 'bid.execution-started',
  EVALUATE: 'bid.evaluated',
} as const satisfies Record<BidAction, string>;

export const projectsEvents: EventsDeclaration = {
  emits: [
    'project.proposed',
    'project.updated',
    'project.status-changed',
    'project.participant-added',
    'project.participant-removed',
    'project.milestone-added',
    'project.milestone-reached',
    'wish.adopted',
    'lesson.recorded',
    'bid.drafted',
    'bid.updated',
    'bid.criterion-assessed',
    ...new Set(Object.values(BID_STEP_EVENTS)),
  ],
};

const aboutProject = (project: ProjectEntity, name: string, data: DomainEvent['data']): DomainEvent => ({
  name,
  subject: `projects/${project.id}`,
  neighbourhoodId: project.neighbourhoodId,
  data: { projectId: project.id, ...data },
});

const aboutBid = (bid: BidEntity, name: string, data: DomainEvent['data']): DomainEvent => ({
  name,
  subject: `bids/${bid.id}`,
  neighbourhoodId: bid.neighbourhoodId,
  data: { bidId: bid.id, ...data },
});

const time = (at: Date) => at.toISOString();

export const projectEvent = {
  proposed: (project: ProjectEntity, wishIds: readonly string[]) =>
    aboutProject(project, 'project.proposed', {
      status: project.status,
      coordinatorId: project.coordinatorId,
      themeIds: project.themeIds,
      originatingWishIds: wishIds,
      plannedStart: project.plannedStart,
      plannedEnd: project.plannedEnd,
      proposedAt: time(project.createdAt),
    }),
  updated: (project: ProjectEntity, fields: readonly string[]) => aboutProject(project, 'project.updated', { fields, updatedAt: time(project.updatedAt) }),
  statusChanged: (project: ProjectEntity, from: string, actorId: string, at: Date) =>
    aboutProject(project, 'project.status-changed', { from, to: project.status, actorId, changedAt: time(at) }),
  participantAdded: (project: ProjectEntity, memberId: string, role: string, at: Date) =>
    aboutProject(project, 'project.participant-added', { memberId, role, joinedAt: time(at) }),
  participantRemoved: (project: ProjectEntity, memberId: string, at: Date) => aboutProject(project, 'project.participant-removed', { memberId, removedAt: time(at) }),
  milestoneAdded: (project: ProjectEntity, milestone: { id: string; plannedOn: string }) =>
    aboutProject(project, 'project.milestone-added', { milestoneId: milestone.id, plannedOn: milestone.plannedOn }),
  milestoneReached: (project: ProjectEntity, milestone: { id: string; reachedOn: string | null }) =>
    aboutProject(project, 'project.milestone-reached', { milestoneId: milestone.id, reachedOn: milestone.reachedOn }),
  /** Subject is the wish: its community subgraph moves the wish's updatedAt when it applies this. */
  wishAdopted: (project: ProjectEntity, wish: { wishId: string; neighbourhoodId: string }, adoptedBy: string, at: Date): DomainEvent => ({
    name: 'wish.adopted',
    subject: `wishes/${wish.wishId}`,
    neighbourhoodId: project.neighbourhoodId,
    data: { wishId: wish.wishId, wishNeighbourhoodId: wish.neighbourhoodId, projectId: project.id, adoptedBy, adoptedAt: time(at) },
  }),
  lessonRecorded: (lesson: { id: string; projectId: string; neighbourhoodId: string; recordedBy: string; recordedAt: Date }, themeIds: readonly string[]): DomainEvent => ({
    name: 'lesson.recorded',
    subject: `lessons/${lesson.id}`,
    neighbourhoodId: lesson.neighbourhoodId,
    data: { lessonId: lesson.id, projectId: lesson.projectId, themeIds, recordedBy: lesson.recordedBy, recordedAt: time(lesson.recordedAt) },
  }),
};

export const bidEvent = {
  drafted: (bid: BidEntity, challengerIds: readonly string[]) =>
    aboutBid(bid, 'bid.drafted', { status: bid.status, mode: bid.mode, taakveld: bid.taakveld, challengerIds, draftedAt: time(bid.createdAt) }),
  updated: (bid: BidEntity, fields: readonly string[]) => aboutBid(bid, 'bid.updated', { fields, updatedAt: time(bid.updatedAt) }),
  criterionAssessed: (bid: BidEntity, criterion: string, score: number, assessedBy: string, at: Date, audit: AuditFact) =>
    aboutBid(bid, 'bid.criterion-assessed', { criterion, score, assessedBy, assessedAt: time(at), audit }),
  /** `audit` when an official took the step as an official (the audit trail); a challenger's steps are the bid's own timeline. */
  stepped: (bid: BidEntity, action: BidAction, from: BidStatus, actorId: string, at: Date, audit: AuditFact | null) =>
    aboutBid(bid, BID_STEP_EVENTS[action], {
      action,
      from,
      to: bid.status,
      actorId,
      at: time(at),
      ...(BID_STEP_EVENTS[action] === 'bid.decided' ? { outcome: bid.decisionOutcome } : {}),
      ...(bid.executingProjectId ? { executingProjectId: bid.executingProjectId } : {}),
      ...(audit ? { audit } : {}),
    }),
};
