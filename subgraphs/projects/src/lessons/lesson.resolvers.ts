import type { Resolvers } from '../generated/graphql';
import { byTypename } from '../shared/results';
import { recordLesson } from './lesson.commands';
import { searchLessons } from './lesson.queries';

export const lessonResolvers: Resolvers = {
  Query: {
    lessonsLearned: (_parent, args, { db }) => searchLessons(db, args),
  },
  Mutation: {
    recordLesson: (_parent, { input }, context) => recordLesson(context, input),
  },
  LessonLearned: {
    project: (l, _args, { loaders }) => loaders.project.load(l.projectId).then((p) => p!),
    neighbourhood: (l) => ({ id: l.neighbourhoodId }),
    themes: (l, _args, { loaders }) => loaders.themesByLesson.load(l.id),
    media: (l, _args, { loaders }) => loaders.mediaByLesson.load(l.id),
    recordedBy: (l) => ({ id: l.recordedBy }),
  },
  LessonTheme: {
    theme: (t) => ({ id: t.themeId }),
  },
  RecordLessonResult: byTypename,
};
