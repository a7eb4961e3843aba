import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { listLoader, rowLoader } from '@dbwe/platform';
import { ProjectEntity, ProjectWishEntity } from './projects/project.entity';
import { ParticipantEntity } from './projects/participant.entity';
import { MilestoneEntity } from './projects/milestone.entity';
import { ProjectEventEntity } from './projects/project-event.entity';
import { LessonEntity, LessonMediaEntity, LessonThemeEntity } from './lessons/lesson.entity';
import { memberProjectPages, memberProjectsKey, type MemberProjectsKey } from './projects/project.queries';
import { BidAssessmentEntity, BidChallengerEntity, BidEntity, BidEventEntity } from './bids/bid.entity';

/** Per-request loaders: every nested list is one query per batch of parents, never one per row. */
export function createLoaders(db: DataSource) {
  const ids = (keys: readonly string[]) => In([...keys]);
  return {
    project: rowLoader((keys: readonly string[]) => db.getRepository(ProjectEntity).findBy({ id: ids(keys) }), (row) => row.id),
    /** Projects that took each wish up, oldest adoption first. */
    projectsByWish: listLoader(
      async (keys: readonly string[]) => {
        const links = await db.getRepository(ProjectWishEntity).find({ where: { wishId: ids(keys) }, order: { adoptedAt: 'ASC', projectId: 'ASC' } });
        if (links.length === 0) return [];
        const projects = await db.getRepository(ProjectEntity).findBy({ id: In(links.map((l) => l.projectId)) });
        const byId = new Map(projects.map((p) => [p.id, p]));
        return links.map((link) => ({ wishId: link.wishId, project: byId.get(link.projectId)! }));
      },
      (row) => row.wishId,
    ),
    wishesByProject: listLoader(
      (keys: readonly string[]) => db.getRepository(ProjectWishEntity).find({ where: { projectId: ids(keys) }, order: { adoptedAt: 'ASC', wishId: 'ASC' } }),
      (row) => row.projectId,
    ),
    /** Member.projects pages: a fixed number of statements for all members of a request (see memberProjectPages). */
    memberProjects: new DataLoader((keys: readonly MemberProjectsKey[]) => memberProjectPages(db, keys), { cacheKeyFn: memberProjectsKey }),
    participantsByProject: listLoader(
      (keys: readonly string[]) => db.getRepository(ParticipantEntity).find({ where: { projectId: ids(keys) }, order: { joinedAt: 'ASC', memberId: 'ASC' } }),
      (row) => row.projectId,
    ),
    milestone: rowLoader((keys: readonly string[]) => db.getRepository(MilestoneEntity).findBy({ id: ids(keys) }), (row) => row.id),
    milestonesByProject: listLoader(
      (keys: readonly string[]) => db.getRepository(MilestoneEntity).find({ where: { projectId: ids(keys) }, order: { plannedOn: 'ASC', id: 'ASC' } }),
      (row) => row.projectId,
    ),
    eventsByProject: listLoader(
      (keys: readonly string[]) => db.getRepository(ProjectEventEntity).find({ where: { projectId: ids(keys) }, order: { at: 'ASC', seq: 'ASC' } }),
      (row) => row.projectId,
    ),
    lessonsByProject: listLoader(
      (keys: readonly string[]) => db.getRepository(LessonEntity).find({ where: { projectId: ids(keys) }, order: { recordedAt: 'DESC', id: 'DESC' } }),
      (row) => row.projectId,
    ),
    themesByLesson: listLoader(
      (keys: readonly string[]) => db.getRepository(LessonThemeEntity).find({ where: { lessonId: ids(keys) }, order: { position: 'ASC' } }),
      (row) => row.lessonId,
    ),
    mediaByLesson: listLoader(
      (keys: readonly string[]) => db.getRepository(LessonMediaEntity).find({ where: { lessonId: ids(keys) }, order: { position: 'ASC' } }),
      (row) => row.lessonId,
    ),
    bid: rowLoader((keys: readonly string[]) => db.getRepository(BidEntity).findBy({ id: ids(keys) }), (row) => row.id),
    bidByExecutingProject: rowLoader(
      (keys: readonly string[]) => db.getRepository(BidEntity).findBy({ executingProjectId: ids(keys) }),
      (row) => row.executingProjectId!,
    ),
    challengersByBid: listLoader(
      (keys: readonly string[]) => db.getRepository(BidChallengerEntity).find({ where: { bidId: ids(keys) }, order: { position: 'ASC' } }),
      (row) => row.bidId,
    ),
    assessmentsByBid: listLoader(
      (keys: readonly string[]) => db.getRepository(BidAssessmentEntity).findBy({ bidId: ids(keys) }),
      (row) => row.bidId,
    ),
    eventsByBid: listLoader(
      (keys: readonly string[]) => db.getRepository(BidEventEntity).find({ where: { bidId: ids(keys) }, order: { at: 'ASC', seq: 'ASC' } }),
      (row) => row.bidId,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
