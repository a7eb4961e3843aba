import type { ClientBase } from 'pg';
import { stableId } from '@dbwe/platform';
import { copyRows, type Cell } from './copy';
import { Random } from './random';
import {
  CITY_EPOCH,
  DAY_MS,
  OFFICIAL,
  THEMES,
  bidId,
  executingProject,
  isoDate,
  memberDomain,
  memberId,
  projectId,
  projectStatus,
  themeId,
  wishId,
  type CityPlan,
  type NeighbourhoodPlan,
} from './plan';

const CRITERIA = ['SOCIAL_ADDED_VALUE', 'SUPPORT', 'COST_NOT_ABOVE_CURRENT', 'EQUAL_OR_BETTER_QUALITY', 'FEASIBILITY', 'NO_PROFIT_MOTIVE', 'CONTINUITY'];

/** Bids that no project carries out yet, in these states, round-robin. */
const OPEN_BID_STATES = ['SUBMITTED', 'IN_ASSESSMENT', 'SUBMITTED', 'DRAFT', 'REJECTED', 'HONOURED_WITH_CONDITIONS', 'WITHDRAWN', 'AGREEMENT_SIGNED'] as const;

type Rows = Record<string, Cell[][]>;

/** Projects with participants, milestones, timelines and lessons; Right to Challenge bids with their assessments and timelines. */
export async function loadProjects(client: ClientBase, plan: CityPlan): Promise<Record<string, number>> {
  const rows: Rows = { project: [], project_wish: [], project_participant: [], milestone: [], project_event: [], lesson: [], bid: [], bid_challenger: [], bid_assessment: [], bid_event: [] };
  for (const nb of plan.neighbourhoods) {
    for (let k = 0; k < nb.projects; k++) addProject(rows, nb, k);
    for (let b = 0; b < nb.bids; b++) addBid(rows, nb, b);
  }
  const columns: Record<string, string[]> = {
    project: ['id', 'neighbourhood_id', 'title', 'summary', 'status', 'coordinator_id', 'planned_start', 'planned_end', 'created_at', 'updated_at', 'theme_ids'],
    project_wish: ['project_id', 'wish_id', 'wish_neighbourhood_id', 'adopted_by', 'adopted_at'],
    project_participant: ['project_id', 'member_id', 'role', 'joined_at'],
    milestone: ['id', 'project_id', 'title', 'planned_on', 'reached_on', 'reached_note', 'created_at', 'updated_at'],
    project_event: ['id', 'project_id', 'kind', 'from_status', 'to_status', 'actor_id', 'at', 'reason', 'milestone_id', 'wish_id'],
    lesson: ['id', 'project_id', 'neighbourhood_id', 'title', 'what_worked', 'what_did_not_work', 'for_whom', 'recorded_by', 'recorded_at', 'updated_at'],
    bid: [
      'id', 'neighbourhood_id', 'collective_name', 'task', 'task_description', 'mode', 'current_annual_cost_cents', 'budget_line', 'taakveld',
      'proposed_annual_budget_cents', 'quality_commitments', 'social_added_value', 'supporter_count', 'support_evidence', 'status',
      'decision_outcome', 'decision_rationale', 'decision_conditions', 'decided_by', 'decided_at', 'executing_project_id', 'submitted_at',
      'created_by', 'created_at', 'updated_at',
    ],
    bid_challenger: ['bid_id', 'member_id', 'position'],
    bid_assessment: ['bid_id', 'criterion', 'score', 'reason', 'assessed_by', 'assessed_at'],
    bid_event: ['id', 'bid_id', 'action', 'from_status', 'to_status', 'actor_id', 'at', 'rationale', 'criterion'],
  };
  const counts: Record<string, number> = {};
  for (const table of Object.keys(columns)) counts[table] = await copyRows(client, `projects.${table}`, columns[table], rows[table]);
  return counts;
}

function addProject(rows: Rows, nb: NeighbourhoodPlan, k: number): void {
  const random = new Random(`projects:project:${nb.slug}:${k}`);
  const id = projectId(nb, k);
  const status = projectStatus(k);
  const created = CITY_EPOCH + random.int(0, 1400) * DAY_MS + k * 60_000;
  const start = created + random.int(14, 120) * DAY_MS;
  const end = start + random.int(180, 900) * DAY_MS;
  const coordinator = random.int(2, nb.members - 1);
  const themes = random.distinct(random.int(1, 3), THEMES.length).map((t) => themeId(nb, t));
  rows.project.push([
    id, nb.id, `Project ${k + 1} in ${nb.name}`, `Bewoners van ${nb.name} werken samen aan project ${k + 1}.`, status,
    memberId(nb, coordinator), isoDate(start), isoDate(end), new Date(created), new Date(created + 30 * DAY_MS), themes,
  ]);
  const ev = (n: number) => stableId(`project-event:${nb.slug}:${k}:${n}`);
  let events = 0;
  const coordinatorId = memberId(nb, coordinator);
  rows.project_event.push([ev(events++), id, 'PROPOSED', null, 'PROPOSED', coordinatorId, new Date(created), null, null, null]);

  rows.project_participant.push([id, coordinatorId, 'COORDINATOR', new Date(created)]);
  for (const j of random.distinct(random.int(2, 6), nb.members)) {
    if (j === coordinator) continue;
    rows.project_participant.push([id, memberId(nb, j), memberDomain(j) === 'ENTREPRENEUR' ? 'SUPPLIER' : 'VOLUNTEER', new Date(created + random.int(1, 60) * DAY_MS)]);
  }
  if (k < Math.floor(nb.wishes / 2)) {
    rows.project_wish.push([id, wishId(nb, k), nb.id, coordinatorId, new Date(created)]);
    rows.project_event.push([ev(events++), id, 'WISH_ADOPTED', null, null, coordinatorId, new Date(created + 1000), null, null, wishId(nb, k)]);
  }
  if (status === 'CANCELLED') {
    rows.project_event.push([ev(events++), id, 'STATUS_CHANGED', 'PROPOSED', 'CANCELLED', coordinatorId, new Date(created + 20 * DAY_MS), 'Te weinig mensen om het te dragen.', null, null]);
  }
  if (status === 'ACTIVE' || status === 'COMPLETED') {
    rows.project_event.push([ev(events++), id, 'STATUS_CHANGED', 'PROPOSED', 'ACTIVE', coordinatorId, new Date(start), 'De eerste afspraken staan.', null, null]);
  }
  const milestones = 3;
  for (let m = 0; m < milestones; m++) {
    const milestone = stableId(`milestone:${nb.slug}:${k}:${m}`);
    const planned = start + Math.floor(((m + 1) * (end - start)) / (milestones + 1));
    const reached = status === 'COMPLETED' || (status === 'ACTIVE' && m === 0) ? planned + random.int(-5, 10) * DAY_MS : null;
    rows.milestone.push([
      milestone, id, `Mijlpaal ${m + 1}`, isoDate(planned), reached === null ? null : isoDate(reached), reached === null ? null : 'Gehaald met de buurt.',
      new Date(created), new Date(reached ?? created),
    ]);
    if (reached !== null) {
      rows.project_event.push([ev(events++), id, 'MILESTONE_REACHED', null, null, coordinatorId, new Date(reached + 12 * 3_600_000), null, milestone, null]);
    }
  }
  if (status === 'COMPLETED') {
    rows.project_event.push([ev(events++), id, 'STATUS_CHANGED', 'ACTIVE', 'COMPLETED', coordinatorId, new Date(end), 'Alle mijlpalen gehaald.', null, null]);
    rows.lesson.push([
      stableId(`lesson:${nb.slug}:${k}`), id, nb.id, `Geleerd bij project ${k + 1}`, 'Vroeg beginnen met de buurt erbij.',
      'Te veel tegelijk willen.', 'Andere wijken met een vergelijkbaar plan', coordinatorId, new Date(end + DAY_MS), new Date(end + DAY_MS),
    ]);
  }
}

function addBid(rows: Rows, nb: NeighbourhoodPlan, b: number): void {
  const random = new Random(`projects:bid:${nb.slug}:${b}`);
  const id = bidId(nb, b);
  const executing = executingProject(nb, b);
  const status = executing !== null ? 'IN_EXECUTION' : OPEN_BID_STATES[b % OPEN_BID_STATES.length];
  const drafter = random.int(2, nb.members - 1);
  const drafterId = memberId(nb, drafter);
  const officialId = memberId(nb, OFFICIAL);
  const created = CITY_EPOCH + random.int(0, 1200) * DAY_MS + b * 60_000;
  const current = random.int(20_000, 200_000) * 100;
  const proposed = Math.round(current * (0.7 + random.next() * 0.25));
  let at = created;
  const step = () => (at += random.int(3, 40) * DAY_MS);

  const events: [at: number, action: string, from: string | null, to: string, actor: string, rationale: string | null, criterion: string | null][] = [[created, 'DRAFT', null, 'DRAFT', drafterId, null, null]];
  let submittedAt: number | null = null;
  let decision: { outcome: string; at: number; conditions: string | null } | null = null;
  if (status !== 'DRAFT') {
    submittedAt = step();
    events.push([at, 'SUBMIT', 'DRAFT', 'SUBMITTED', drafterId, null, null]);
  }
  if (status === 'WITHDRAWN') events.push([step(), 'WITHDRAW', 'SUBMITTED', 'WITHDRAWN', drafterId, 'We doen het toch anders.', null]);
  const assessed = status === 'SUBMITTED' || status === 'DRAFT' || status === 'WITHDRAWN' ? 0 : status === 'IN_ASSESSMENT' ? 3 : CRITERIA.length;
  if (assessed > 0) {
    step();
    events.push([at, 'START_ASSESSMENT', 'SUBMITTED', 'IN_ASSESSMENT', officialId, null, null]);
    for (const criterion of CRITERIA.slice(0, assessed)) {
      step();
      const score = random.int(status === 'REJECTED' ? 1 : 3, 5);
      rows.bid_assessment.push([id, criterion, score, `Beoordeeld op ${criterion.toLowerCase()}.`, officialId, new Date(at)]);
      events.push([at, 'ASSESS_CRITERION', 'IN_ASSESSMENT', 'IN_ASSESSMENT', officialId, `Score ${score}.`, criterion]);
    }
  }
  if (assessed === CRITERIA.length) {
    const outcome = status === 'REJECTED' ? 'REJECTED' : status === 'HONOURED_WITH_CONDITIONS' ? 'HONOURED_WITH_CONDITIONS' : 'HONOURED';
    decision = { outcome, at: step(), conditions: outcome === 'HONOURED_WITH_CONDITIONS' ? 'Halfjaarlijkse rapportage aan de gemeente.' : null };
    const action = outcome === 'REJECTED' ? 'REJECT' : outcome === 'HONOURED' ? 'HONOUR' : 'HONOUR_WITH_CONDITIONS';
    events.push([at, action, 'IN_ASSESSMENT', outcome, officialId, 'Afgewogen tegen de criteria.', null]);
    if (status === 'AGREEMENT_SIGNED' || status === 'IN_EXECUTION') {
      step();
      events.push([at, 'SIGN_AGREEMENT', outcome, 'AGREEMENT_SIGNED', officialId, null, null]);
    }
    if (status === 'IN_EXECUTION') {
      step();
      events.push([at, 'START_EXECUTION', 'AGREEMENT_SIGNED', 'IN_EXECUTION', drafterId, null, null]);
    }
  }
  rows.bid.push([
    id, nb.id, b % 3 === 0 ? `Bewonerscollectief ${nb.name} ${b + 1}` : null, `Taak ${b + 1}: groenonderhoud en beheer`,
    `Bewoners nemen taak ${b + 1} over van de gemeente.`, b % 4 === 3 ? 'CO_STEER' : 'TAKE_OVER', current, `Programma Openbare Ruimte ${b + 1}`,
    '5.7', proposed, ['Minstens even schoon als nu', 'Maandelijkse schouw'], 'Meer ontmoeting en zorg voor de buurt.', random.int(20, 400),
    'Handtekeningen van bewoners.', status, decision?.outcome ?? null, decision ? 'Afgewogen tegen de criteria.' : null, decision?.conditions ?? null,
    decision ? officialId : null, decision ? new Date(decision.at) : null, executing === null ? null : projectId(nb, executing),
    submittedAt === null ? null : new Date(submittedAt), drafterId, new Date(created), new Date(at),
  ]);
  rows.bid_challenger.push([id, drafterId, 0]);
  let position = 1;
  for (const j of random.distinct(random.int(1, 3), nb.members)) if (j !== drafter) rows.bid_challenger.push([id, memberId(nb, j), position++]);
  for (const [n, [time, action, from, to, actor, rationale, criterion]] of events.entries()) {
    rows.bid_event.push([stableId(`bid-event:${nb.slug}:${b}:${n}`), id, action, from, to, actor, new Date(time), rationale, criterion]);
  }
}
