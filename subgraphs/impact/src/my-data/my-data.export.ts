import type { DataSource } from 'typeorm';
import { asExportJson } from '@dbwe/platform';

/** Everything the impact subgraph holds about a member, for their data export, read in one snapshot. */
export async function exportImpactData(db: DataSource, memberId: string): Promise<Record<string, unknown>> {
  return db.transaction('REPEATABLE READ', async (tx) => {
    const [analysesAuthored, bidForecastsLinked] = await Promise.all([
      tx.query(
        `SELECT id AS "analysisId", neighbourhood_id AS "neighbourhoodId", project_id AS "projectId", kind, status, title,
                period_start::text AS "periodStart", period_end::text AS "periodEnd", created_at AS "createdAt", published_at AS "publishedAt"
           FROM impact.analysis WHERE created_by = $1 ORDER BY created_at, id`,
        [memberId],
      ),
      tx.query(`SELECT bid_id AS "bidId", analysis_id AS "analysisId", updated_at AS "linkedAt" FROM impact.bid_forecast WHERE linked_by = $1 ORDER BY updated_at, bid_id`, [
        memberId,
      ]),
    ]);
    return asExportJson({ analysesAuthored, bidForecastsLinked }) as Record<string, unknown>;
  });
}
