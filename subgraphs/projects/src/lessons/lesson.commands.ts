import { randomUUID } from 'node:crypto';
import { isUuid, notFound } from '@dbwe/platform';
import type { Context } from '../context';
import type { RecordLessonInput } from '../generated/graphql';
import { invalidInput } from '../shared/results';
import { checkText, firstViolation, type Violation } from '../shared/validation';
import { requireLessonAuthor } from '../projects/project.access';
import { requireRegisteredMember } from '../integrity/registered-member';
import { checkThemes } from '../integrity/reference-checks';
import { LessonEntity, LessonMediaEntity, LessonThemeEntity } from './lesson.entity';
import { checkMediaUrl, MAX_LESSON_MEDIA, MAX_LESSON_THEMES } from './lesson.rules';
import { projectEvent } from '../events';

const tooMany = (field: string, max: number, what: string): Violation => ({
  code: 'INVALID_COUNT',
  message: `${field}: a lesson has at most ${max} ${what}.`,
  field,
});

export async function recordLesson(context: Context, input: RecordLessonInput) {
  const { viewer, db, loaders, events, services } = context;
  const project = isUuid(input.projectId) ? await loaders.project.load(input.projectId) : null;
  if (!project) throw notFound(`There is no project ${input.projectId}.`);
  const participants = await loaders.participantsByProject.load(project.id);
  const author = requireLessonAuthor(viewer, project, participants.map((p) => p.memberId));
  await requireRegisteredMember(context, project.neighbourhoodId, 'record a lesson');
  const themeIds = [...new Set(input.themeIds ?? [])];
  const media = input.media ?? [];
  const violation = firstViolation(
    checkText('title', input.title, 1, 200),
    checkText('whatWorked', input.whatWorked, 0, 5000),
    checkText('whatDidNotWork', input.whatDidNotWork, 0, 5000),
    checkText('forWhom', input.forWhom, 1, 500),
    themeIds.length > MAX_LESSON_THEMES ? tooMany('themeIds', MAX_LESSON_THEMES, 'themes') : null,
    media.length > MAX_LESSON_MEDIA ? tooMany('media', MAX_LESSON_MEDIA, 'media links') : null,
    ...media.map((m, i) => checkText(`media.${i}.title`, m.title, 1, 200)),
  );
  if (violation) return invalidInput(violation);
  const urls: string[] = [];
  for (const [index, m] of media.entries()) {
    const checked = checkMediaUrl(`media.${index}.url`, m.url);
    if ('violation' in checked) return { __typename: 'InvalidMediaUrl' as const, ...checked.violation };
    urls.push(checked.url);
  }
  // Which themes the neighbourhood has, and their slugs, is the community's word: one graph query.
  const checkedThemes = await checkThemes(services.references, project.neighbourhoodId, themeIds);
  if ('refusal' in checkedThemes) return checkedThemes.refusal;

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
  const themes = checkedThemes.themes.map((t, position) =>
    Object.assign(new LessonThemeEntity(), { lessonId: lesson.id, themeId: t.id, neighbourhoodId: lesson.neighbourhoodId, slug: t.slug, position }),
  );
  const links = media.map((m, position) =>
    Object.assign(new LessonMediaEntity(), { id: randomUUID(), lessonId: lesson.id, position, url: urls[position], kind: m.kind, title: m.title.trim() }),
  );
  await db.transaction(async (tx) => {
    await tx.getRepository(LessonEntity).insert(lesson);
    if (themes.length > 0) await tx.getRepository(LessonThemeEntity).insert(themes);
    if (links.length > 0) await tx.getRepository(LessonMediaEntity).insert(links);
    await events.record(tx, projectEvent.lessonRecorded(lesson, themes.map((t) => t.themeId)));
  });
  return { __typename: 'LessonPayload' as const, lesson };
}
