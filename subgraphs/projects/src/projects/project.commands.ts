import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { badInput, isUuid, notFound } from '@dbwe/platform';
import type { Context } from '../context';
import type {
  AddMilestoneInput,
  AddParticipantInput,
  AdoptWishInput,
  ChangeProjectStatusInput,
  OriginatingWishInput,
  ProposeProjectInput,
  ReachMilestoneInput,
  RemoveParticipantInput,
  UpdateProjectInput,
} from '../generated/graphql';
import { invalidInput, ruleViolation } from '../shared/results';
import { checkDateOrder, checkText, firstViolation } from '../shared/validation';
import { ProjectEntity, ProjectWishEntity } from './project.entity';
import { ParticipantEntity } from './participant.entity';
import { MilestoneEntity } from './milestone.entity';
import { ProjectEventEntity, type ProjectEventKind } from './project-event.entity';
import { canReachMilestones, checkProjectTransition } from './project-lifecycle';
import { requireProjectManager, requireSelfOrManager } from './project.access';
import { requireRegisteredMemberOfServed } from '../integrity/registered-member';
import { projectEvent } from '../events';
import { checkWishes, firstMemberRefusal, themeRefusal } from '../integrity/reference-checks';

const payload = (project: ProjectEntity) => ({ __typename: 'ProjectPayload' as const, project });

function requireUuids(field: string, values: readonly string[]): void {
  const bad = values.find((v) => !isUuid(v));
  if (bad !== undefined) throw badInput(`${field}: "${bad}" is not an id this API handed out.`, field);
}

/** Loads a project, locked for the rest of the transaction so concurrent changes queue behind this one. */
async function lockProject(tx: EntityManager, id: string): Promise<ProjectEntity> {
  const project = isUuid(id) ? await tx.getRepository(ProjectEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
  if (!project) throw notFound(`There is no project ${id}.`);
  return project;
}

/** Writes the changes to the locked row and keeps the in-memory entity in step. */
async function touch(tx: EntityManager, project: ProjectEntity, changes: Partial<ProjectEntity>): Promise<void> {
  await tx.getRepository(ProjectEntity).update({ id: project.id }, changes);
  Object.assign(project, changes);
}

function event(projectId: string, kind: ProjectEventKind, actorId: string, at: Date, extra: Partial<ProjectEventEntity> = {}): ProjectEventEntity {
  return Object.assign(new ProjectEventEntity(), {
    id: randomUUID(),
    projectId,
    kind,
    actorId,
    at,
    fromStatus: null,
    toStatus: null,
    reason: null,
    milestoneId: null,
    wishId: null,
    ...extra,
  });
}

/** A project as it is now, unlocked: for the checks that need only what never changes (its neighbourhood, its coordinator). */
async function readProject(db: Context['db'], id: string): Promise<ProjectEntity> {
  const project = isUuid(id) ? await db.getRepository(ProjectEntity).findOneBy({ id }) : null;
  if (!project) throw notFound(`There is no project ${id}.`);
  return project;
}

export async function proposeProject(context: Context, input: ProposeProjectInput) {
  const { db, services, events: recorder } = context;
  requireUuids('neighbourhoodId', [input.neighbourhoodId]);
  // The proposer becomes the coordinator: a member registered in the neighbourhood, not just a token with a role.
  const registered = await requireRegisteredMemberOfServed(context, input.neighbourhoodId, 'propose a project', ['resident', 'steward']);
  if ('unserved' in registered) return registered.unserved;
  const { memberId } = registered;
  const themeIds = [...new Set(input.themeIds ?? [])];
  requireUuids('themeIds', themeIds);
  const milestones = input.milestones ?? [];
  const violation = firstViolation(
    checkText('title', input.title, 1, 200),
    checkText('summary', input.summary, 0, 5000),
    checkDateOrder(input.plannedStart ?? null, input.plannedEnd ?? null),
    ...milestones.map((m, i) => checkText(`milestones[${i}].title`, m.title, 1, 200)),
  );
  if (violation) return invalidInput(violation);
  const wishes = dedupeWishes(input.originatingWishes ?? []);
  requireUuids('originatingWishes', wishes.map((w) => w.wishId));
  // The community says whether the neighbourhood, its themes and the wishes exist, and where each wish belongs: one graph query.
  const [themeRefused, checked] = await Promise.all([
    themeRefusal(services.references, input.neighbourhoodId, themeIds, true),
    checkWishes(services.references, input.neighbourhoodId, wishes.map((w) => w.wishId), (i) => `originatingWishes.${i}.wishId`),
  ]);
  if (themeRefused) return themeRefused;
  if ('refusal' in checked) return checked.refusal;

  const now = new Date();
  const project = Object.assign(new ProjectEntity(), {
    id: randomUUID(),
    neighbourhoodId: input.neighbourhoodId,
    title: input.title.trim(),
    summary: input.summary.trim(),
    themeIds,
    status: 'PROPOSED' as const,
    coordinatorId: memberId,
    plannedStart: input.plannedStart ?? null,
    plannedEnd: input.plannedEnd ?? null,
    createdAt: now,
    updatedAt: now,
  });
  await db.transaction(async (tx) => {
    await tx.getRepository(ProjectEntity).insert(project);
    await tx.getRepository(ParticipantEntity).insert({ projectId: project.id, memberId, role: 'COORDINATOR', joinedAt: now });
    if (milestones.length > 0) {
      await tx.getRepository(MilestoneEntity).insert(
        milestones.map((m) => ({ id: randomUUID(), projectId: project.id, title: m.title.trim(), plannedOn: m.plannedOn, reachedOn: null, reachedNote: null, createdAt: now, updatedAt: now })),
      );
    }
    const events = [event(project.id, 'PROPOSED', memberId, now, { toStatus: 'PROPOSED' })];
    if (checked.wishes.length > 0) {
      await tx.getRepository(ProjectWishEntity).insert(
        checked.wishes.map((w) => ({ projectId: project.id, wishId: w.id, wishNeighbourhoodId: w.neighbourhoodId, adoptedBy: memberId, adoptedAt: now })),
      );
      events.push(...checked.wishes.map((w) => event(project.id, 'WISH_ADOPTED', memberId, now, { wishId: w.id })));
    }
    await tx.getRepository(ProjectEventEntity).insert(events);
    await recorder.record(
      tx,
      projectEvent.proposed(project, checked.wishes.map((w) => w.id)),
      ...checked.wishes.map((w) => projectEvent.wishAdopted(project, { wishId: w.id, neighbourhoodId: w.neighbourhoodId }, memberId, now)),
    );
  });
  return payload(project);
}

function dedupeWishes(wishes: readonly OriginatingWishInput[]): OriginatingWishInput[] {
  const seen = new Map<string, OriginatingWishInput>();
  for (const w of wishes) if (!seen.has(w.wishId)) seen.set(w.wishId, w);
  return [...seen.values()];
}

export async function updateProject({ viewer, db, services, events }: Context, input: UpdateProjectInput) {
  if (input.themeIds) {
    requireUuids('themeIds', input.themeIds);
    const current = await readProject(db, input.projectId);
    requireProjectManager(viewer, current, 'change the project');
    const refused = await themeRefusal(services.references, current.neighbourhoodId, [...new Set(input.themeIds)]);
    if (refused) return refused;
  }
  return db.transaction(async (tx) => {
    const project = await lockProject(tx, input.projectId);
    requireProjectManager(viewer, project, 'change the project');
    const next = {
      title: input.title?.trim() ?? project.title,
      summary: input.summary?.trim() ?? project.summary,
      themeIds: input.themeIds ? [...new Set(input.themeIds)] : project.themeIds,
      plannedStart: input.plannedStart === undefined ? project.plannedStart : input.plannedStart,
      plannedEnd: input.plannedEnd === undefined ? project.plannedEnd : input.plannedEnd,
    };
    const violation = firstViolation(
      input.title == null ? null : checkText('title', input.title, 1, 200),
      input.summary == null ? null : checkText('summary', input.summary, 0, 5000),
      checkDateOrder(next.plannedStart, next.plannedEnd, input.plannedEnd === undefined ? 'plannedStart' : 'plannedEnd'),
    );
    if (violation) return invalidInput(violation);
    const fields = (Object.keys(next) as (keyof typeof next)[]).filter((k) => input[k] !== undefined);
    await touch(tx, project, { ...next, updatedAt: new Date() });
    await events.record(tx, projectEvent.updated(project, fields));
    return payload(project);
  });
}

export async function changeProjectStatus({ viewer, db, events }: Context, input: ChangeProjectStatusInput) {
  return db.transaction(async (tx) => {
    const project = await lockProject(tx, input.projectId);
    const actor = requireProjectManager(viewer, project, 'change the project status');
    const outcome = checkProjectTransition(project.status, input.status, input.reason);
    if (!outcome.ok) return ruleViolation(outcome.code, outcome.message, outcome.code === 'REASON_REQUIRED' ? 'reason' : 'status');
    const now = new Date();
    await tx.getRepository(ProjectEventEntity).insert(
      event(project.id, 'STATUS_CHANGED', actor, now, { fromStatus: project.status, toStatus: input.status, reason: input.reason.trim() }),
    );
    const from = project.status;
    await touch(tx, project, { status: input.status, updatedAt: now });
    await events.record(tx, projectEvent.statusChanged(project, from, actor, now));
    return payload(project);
  });
}

export async function adoptWish({ viewer, db, services, events }: Context, input: AdoptWishInput) {
  requireUuids('wish.wishId', [input.wish.wishId]);
  const current = await readProject(db, input.projectId);
  requireProjectManager(viewer, current, 'take up a wish');
  // The wish's neighbourhood as the community gives it, not as the client sent it.
  const checked = await checkWishes(services.references, current.neighbourhoodId, [input.wish.wishId], () => 'wish.wishId');
  if ('refusal' in checked) return checked.refusal;
  const [wish] = checked.wishes;
  return db.transaction(async (tx) => {
    const project = await lockProject(tx, input.projectId);
    const actor = requireProjectManager(viewer, project, 'take up a wish');
    // Adopting a wish the project already took up changes nothing and returns the project as it is.
    if (await tx.getRepository(ProjectWishEntity).existsBy({ projectId: project.id, wishId: wish.id })) return payload(project);
    const now = new Date();
    await tx.getRepository(ProjectWishEntity).insert({
      projectId: project.id,
      wishId: wish.id,
      wishNeighbourhoodId: wish.neighbourhoodId,
      adoptedBy: actor,
      adoptedAt: now,
    });
    await tx.getRepository(ProjectEventEntity).insert(event(project.id, 'WISH_ADOPTED', actor, now, { wishId: wish.id }));
    await touch(tx, project, { updatedAt: now });
    await events.record(tx, projectEvent.wishAdopted(project, { wishId: wish.id, neighbourhoodId: wish.neighbourhoodId }, actor, now));
    return payload(project);
  });
}

export async function addParticipant({ viewer, db, services, events }: Context, input: AddParticipantInput) {
  requireUuids('memberId', [input.memberId]);
  if (input.role === 'COORDINATOR') throw badInput('A project has one coordinator, its proposer; add others in another role.', 'role');
  const current = await readProject(db, input.projectId);
  requireSelfOrManager(viewer, current, input.memberId, 'add a participant');
  const refused = await firstMemberRefusal(services.references, 'participant', [input.memberId], current.neighbourhoodId, () => 'memberId');
  if (refused) return refused;
  return db.transaction(async (tx) => {
    const project = await lockProject(tx, input.projectId);
    requireSelfOrManager(viewer, project, input.memberId, 'add a participant');
    const existing = await tx.getRepository(ParticipantEntity).findOneBy({ projectId: project.id, memberId: input.memberId });
    if (existing) return ruleViolation('ALREADY_PARTICIPATING', `Member ${input.memberId} already takes part as ${existing.role}.`, 'memberId');
    const now = new Date();
    await tx.getRepository(ParticipantEntity).insert({ projectId: project.id, memberId: input.memberId, role: input.role, joinedAt: now });
    await touch(tx, project, { updatedAt: now });
    await events.record(tx, projectEvent.participantAdded(project, input.memberId, input.role, now));
    return payload(project);
  });
}

export async function removeParticipant({ viewer, db, events }: Context, input: RemoveParticipantInput) {
  requireUuids('memberId', [input.memberId]);
  return db.transaction(async (tx) => {
    const project = await lockProject(tx, input.projectId);
    requireSelfOrManager(viewer, project, input.memberId, 'remove a participant');
    const existing = await tx.getRepository(ParticipantEntity).findOneBy({ projectId: project.id, memberId: input.memberId });
    if (!existing) throw notFound(`Member ${input.memberId} does not take part in this project.`);
    if (existing.role === 'COORDINATOR') {
      return ruleViolation('COORDINATOR_CANNOT_LEAVE', 'The coordinator cannot leave the project; it needs someone to coordinate it.', 'memberId');
    }
    await tx.getRepository(ParticipantEntity).delete({ projectId: project.id, memberId: input.memberId });
    await touch(tx, project, { updatedAt: new Date() });
    await events.record(tx, projectEvent.participantRemoved(project, input.memberId, project.updatedAt));
    return payload(project);
  });
}

export async function addMilestone({ viewer, db, events }: Context, input: AddMilestoneInput) {
  return db.transaction(async (tx) => {
    const project = await lockProject(tx, input.projectId);
    requireProjectManager(viewer, project, 'plan a milestone');
    const violation = checkText('milestone.title', input.milestone.title, 1, 200);
    if (violation) return invalidInput(violation);
    const now = new Date();
    const milestone = Object.assign(new MilestoneEntity(), {
      id: randomUUID(),
      projectId: project.id,
      title: input.milestone.title.trim(),
      plannedOn: input.milestone.plannedOn,
      reachedOn: null,
      reachedNote: null,
      createdAt: now,
      updatedAt: now,
    });
    await tx.getRepository(MilestoneEntity).insert(milestone);
    await touch(tx, project, { updatedAt: now });
    await events.record(tx, projectEvent.milestoneAdded(project, milestone));
    return { __typename: 'MilestonePayload' as const, milestone, project };
  });
}

export async function reachMilestone({ viewer, db, events }: Context, input: ReachMilestoneInput) {
  const found = isUuid(input.milestoneId) ? await db.getRepository(MilestoneEntity).findOneBy({ id: input.milestoneId }) : null;
  if (!found) throw notFound(`There is no milestone ${input.milestoneId}.`);
  return db.transaction(async (tx) => {
    const project = await lockProject(tx, found.projectId);
    const actor = requireProjectManager(viewer, project, 'record a milestone');
    const milestone = (await tx.getRepository(MilestoneEntity).findOneBy({ id: found.id }))!;
    const violation = input.note == null ? null : checkText('note', input.note, 0, 2000);
    if (violation) return invalidInput(violation);
    if (!canReachMilestones(project.status)) {
      return ruleViolation('PROJECT_NOT_ACTIVE', `Milestones are reached only while the project is ACTIVE; it is ${project.status}.`, 'milestoneId');
    }
    if (milestone.reachedOn !== null) {
      return ruleViolation('MILESTONE_ALREADY_REACHED', `The milestone was already reached on ${milestone.reachedOn}.`, 'milestoneId');
    }
    const now = new Date();
    Object.assign(milestone, { reachedOn: input.reachedOn, reachedNote: input.note?.trim() || null, updatedAt: now });
    await tx.getRepository(MilestoneEntity).update({ id: milestone.id }, { reachedOn: milestone.reachedOn, reachedNote: milestone.reachedNote, updatedAt: now });
    await tx.getRepository(ProjectEventEntity).insert(
      event(project.id, 'MILESTONE_REACHED', actor, now, { milestoneId: milestone.id, reason: milestone.reachedNote }),
    );
    await touch(tx, project, { updatedAt: now });
    await events.record(tx, projectEvent.milestoneReached(project, milestone));
    return { __typename: 'MilestonePayload' as const, milestone, project };
  });
}
