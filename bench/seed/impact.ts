import type { ClientBase } from 'pg';
import { stableId } from '@dbwe/platform';
import { copyRows, type Cell } from './copy';
import { Random } from './random';
import { CITY_EPOCH, DAY_MS, STEWARD, analysisId, bidId, executingProject, isoDate, memberId, projectId, projectStatus, type CityPlan } from './plan';

const STAKEHOLDERS: [name: string, description: string][] = [
  ['Bewoners', 'Bewoners die meedoen of er baat bij hebben.'],
  ['Gemeente', 'De gemeente, die kosten bespaart.'],
];

/**
 * One published SROI analysis per project: an evaluation for completed
 * projects, a forecast for the others, and the forecast of each bid being
 * carried out. Parts are written while the analyses are drafts and then
 * published, because the database refuses changes to published analyses.
 */
export async function loadImpact(client: ClientBase, plan: CityPlan): Promise<Record<string, number>> {
  const analyses: Cell[][] = [];
  const stakeholders: Cell[][] = [];
  const outcomes: Cell[][] = [];
  const inKind: Cell[][] = [];
  const measurements: Cell[][] = [];
  const forecasts: Cell[][] = [];
  const published: string[] = [];
  for (const nb of plan.neighbourhoods) {
    const steward = memberId(nb, STEWARD);
    for (let k = 0; k < nb.projects; k++) {
      const random = new Random(`impact:${nb.slug}:${k}`);
      const id = analysisId(nb, k);
      const evaluative = projectStatus(k) === 'COMPLETED';
      const start = CITY_EPOCH + random.int(0, 1400) * DAY_MS;
      const created = new Date(start + 10 * DAY_MS);
      analyses.push([
        id, projectId(nb, k), nb.id, evaluative ? 'EVALUATIVE' : 'FORECAST', 'DRAFT', `SROI project ${k + 1} in ${nb.name}`, isoDate(start),
        isoDate(start + 730 * DAY_MS), '0.035', true, evaluative ? null : String(random.int(5, 60) * 1000), null, steward, null, created, created,
      ]);
      published.push(id);
      STAKEHOLDERS.forEach(([name, description], position) => stakeholders.push([id, name, description, position]));
      for (let o = 0; o < 3; o++) {
        const outcome = stableId(`outcome:${nb.slug}:${k}:${o}`);
        const fraction = (low: number, high: number) => (low + random.next() * (high - low)).toFixed(2);
        outcomes.push([
          outcome, id, STAKEHOLDERS[o % 2][0], `Uitkomst ${o + 1}`, `Indicator ${o + 1}`, String(random.int(5, 200)), String(random.int(50, 2000)),
          'Vergelijkbare dienst in de markt', 'Global Value Exchange', random.int(1, 5), fraction(0.1, 0.4), 'Effect neemt af.', fraction(0, 0.3),
          'Zou deels ook zonder project gebeuren.', fraction(0, 0.2), 'Weinig verdringing.', fraction(0, 0.3), 'Anderen droegen bij.', false, created, created,
        ]);
        if (evaluative) measurements.push([stableId(`measurement:${nb.slug}:${k}:${o}`), outcome, isoDate(start + 365 * DAY_MS), String(random.int(5, 200)), 'Enquête onder bewoners', null, created]);
      }
      inKind.push([id, 0, 'Vrijwilligersuren', String(random.int(100, 2000)), 'uur', '15.00', 'Landelijk tarief vrijwilligerswerk']);
    }
    for (let b = 0; b < nb.bids; b++) {
      const k = executingProject(nb, b);
      if (k !== null) forecasts.push([bidId(nb, b), analysisId(nb, k), steward, new Date(CITY_EPOCH + 1500 * DAY_MS)]);
    }
  }
  const counts: Record<string, number> = {};
  counts.analyses = await copyRows(client, 'impact.analysis', [
    'id', 'project_id', 'neighbourhood_id', 'kind', 'status', 'title', 'period_start', 'period_end', 'discount_rate', 'discount_first_year',
    'planned_inputs', 'supersedes_id', 'created_by', 'published_at', 'created_at', 'updated_at',
  ], analyses);
  counts.stakeholders = await copyRows(client, 'impact.stakeholder', ['analysis_id', 'name', 'description', 'position'], stakeholders);
  counts.outcomes = await copyRows(client, 'impact.outcome', [
    'id', 'analysis_id', 'stakeholder', 'description', 'indicator', 'quantity', 'proxy_value', 'proxy_description', 'proxy_source', 'duration_years',
    'drop_off', 'drop_off_rationale', 'deadweight', 'deadweight_rationale', 'displacement', 'displacement_rationale', 'attribution',
    'attribution_rationale', 'negative', 'created_at', 'updated_at',
  ], outcomes);
  counts.inKindInputs = await copyRows(client, 'impact.in_kind_input', ['analysis_id', 'position', 'description', 'quantity', 'unit', 'rate', 'source'], inKind);
  counts.measurements = await copyRows(client, 'impact.measurement', ['id', 'outcome_id', 'measured_on', 'value', 'source', 'note', 'recorded_at'], measurements);
  counts.bidForecasts = await copyRows(client, 'impact.bid_forecast', ['bid_id', 'analysis_id', 'linked_by', 'updated_at'], forecasts);
  await client.query(`UPDATE impact.analysis SET status = 'PUBLISHED', published_at = created_at + interval '1 day' WHERE id = ANY($1::uuid[])`, [published]);
  return counts;
}
