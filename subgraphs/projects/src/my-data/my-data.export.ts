import type { DataSource } from 'typeorm';
import { asExportJson } from '@dbwe/platform';

/**
 * Everything the projects subgraph holds about a member, for their data
 * export: every row that names them, read in one snapshot so the parts agree.
 * Money stays in the bid's columns as exact cents (decimal strings).
 */
export async function exportProjectsData(db: DataSource, memberId: string): Promise<Record<string, unknown>> {
  return db.transaction('REPEATABLE READ', async (tx) => {
    const q = (sql: string) => tx.query(sql, [memberId]);
    const [projects, bids, assessments, decisions, lessons, projectActions, bidActions, wishAdoptions] = await Promise.all([
      q(`SELECT p.id AS "projectId", p.neighbourhood_id AS "neighbourhoodId", p.title, p.status,
                (p.coordinator_id = $1) AS "coordinator", pp.role AS "participantRole", pp.joined_at AS "joinedAt"
           FROM projects.project p
           LEFT JOIN projects.project_participant pp ON pp.project_id = p.id AND pp.member_id = $1
          WHERE p.coordinator_id = $1 OR pp.member_id IS NOT NULL
          ORDER BY p.created_at, p.id`),
      q(`SELECT b.id AS "bidId", b.neighbourhood_id AS "neighbourhoodId", b.task, b.status, b.collective_name AS "collectiveName",
                (b.created_by = $1) AS "drafter", c.position AS "challengerPosition", b.created_at AS "createdAt", b.submitted_at AS "submittedAt"
           FROM projects.bid b JOIN projects.bid_challenger c ON c.bid_id = b.id AND c.member_id = $1
          ORDER BY b.created_at, b.id`),
      q(`SELECT bid_id AS "bidId", criterion, score, reason, assessed_at AS "assessedAt"
           FROM projects.bid_assessment WHERE assessed_by = $1 ORDER BY assessed_at, bid_id, criterion`),
      q(`SELECT id AS "bidId", decision_outcome AS "outcome", decision_rationale AS "rationale", decision_conditions AS "conditions", decided_at AS "decidedAt"
           FROM projects.bid WHERE decided_by = $1 ORDER BY decided_at, id`),
      q(`SELECT id AS "lessonId", project_id AS "projectId", title, what_worked AS "whatWorked", what_did_not_work AS "whatDidNotWork",
                for_whom AS "forWhom", recorded_at AS "recordedAt", updated_at AS "updatedAt"
           FROM projects.lesson WHERE recorded_by = $1 ORDER BY recorded_at, id`),
      q(`SELECT id AS "eventId", project_id AS "projectId", kind, from_status AS "fromStatus", to_status AS "toStatus", reason, at
           FROM projects.project_event WHERE actor_id = $1 ORDER BY at, seq`),
      q(`SELECT id AS "eventId", bid_id AS "bidId", action, from_status AS "fromStatus", to_status AS "toStatus", criterion, rationale, at
           FROM projects.bid_event WHERE actor_id = $1 ORDER BY at, seq`),
      q(`SELECT project_id AS "projectId", wish_id AS "wishId", adopted_at AS "adoptedAt"
           FROM projects.project_wish WHERE adopted_by = $1 ORDER BY adopted_at, project_id, wish_id`),
    ]);
    return asExportJson({
      projects,
      bids,
      assessments,
      decisions,
      lessons,
      timelineActions: [...projectActions.map((e: object) => ({ on: 'PROJECT', ...e })), ...bidActions.map((e: object) => ({ on: 'BID', ...e }))],
      wishAdoptions,
    }) as Record<string, unknown>;
  });
}
