import { randomUUID } from 'node:crypto';
import { isUuid, notFound } from '@dbwe/platform';
import type { Context } from '../context';
import type { RecordLessonInput } from '../generated/graphql';
import { invalidInput } from '../shared/results';
import { checkText, firstViolation } from '../shared/validation';
import { requireLessonAuthor } from '../projects/project.access';
import { requireRegisteredMember } from '../integrity/registered-member';
import { LessonEntity } from './lesson.entity';
import { projectEvent } from '../events';

export async function recordLesson(context: Context, input: RecordLessonInput) {
  const { viewer, db, loaders, events } = context;
  const project = isUuid(input.projectId) ? await loaders.project.load(input.projectId) : null;
  if (!project) throw notFound(`There is no project ${input.projectId}.`);
  const participants = await loaders.participantsByProject.load(project.id);
  const author = requireLessonAuthor(viewer, project, participants.map((p) => p.memberId));
  await requireRegisteredMember(context, project.neighbourhoodId, 'record a lesson');
  const violation = firstViolation(
    checkText('title', input.title, 1, 200),
    checkText('whatWorked', input.whatWorked, 0, 5000),
    checkText('whatDidNotWork', input.whatDidNotWork, 0, 5000),
    checkText('forWhom', input.forWhom, 1, 500),
  );
  if (violation) return invalidInput(violation);
  const now = new Date();
  const lesson = Object.assign(new LessonEntity(), {
    id: randomUUID(),
    projectId: project.id,
    neighbourhoodId: project.neighbourhoodId,
    title: input.title.trim(),
    whatWorked: input.whatWorked.trim(),
    whatDidNotWork: input.whatDidNotWork.trim(),
    forWhom: input.forWhom.trim(),
    recordedBy: author,
    recordedAt: now,
    updatedAt: now,
  });
  await db.transaction(async (tx) => {
    await tx.getRepository(LessonEntity).insert(lesson);
    await events.record(tx, projectEvent.lessonRecorded(lesson));
  });
  return { __typename: 'LessonPayload' as const, lesson };
}
