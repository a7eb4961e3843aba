import { outboxPrivileges, type DatabasePrivileges } from '@dbwe/platform';

/**
 * What the projects service may do in its schema. The timelines
 * (project_event, bid_event), lessons with their themes and media, adopted wishes and challengers are
 * only ever added to; a project or bid keeps its id, neighbourhood and
 * creator; participants are the one thing removed.
 */
export const databasePrivileges: DatabasePrivileges = {
  tables: {
    project: ['SELECT', 'INSERT', { UPDATE: ['title', 'summary', 'status', 'coordinator_id', 'planned_start', 'planned_end', 'theme_ids', 'updated_at'] }],
    project_wish: ['SELECT', 'INSERT'],
    project_participant: ['SELECT', 'INSERT', 'DELETE'],
    milestone: ['SELECT', 'INSERT', { UPDATE: ['reached_on', 'reached_note', 'updated_at'] }],
    project_event: ['SELECT', 'INSERT'],
    lesson: ['SELECT', 'INSERT'],
    lesson_theme: ['SELECT', 'INSERT'],
    lesson_media: ['SELECT', 'INSERT'],
    bid: [
      'SELECT',
      'INSERT',
      {
        UPDATE: [
          'collective_name', 'task', 'task_description', 'mode', 'current_annual_cost_cents', 'budget_line', 'taakveld',
          'proposed_annual_budget_cents', 'quality_commitments', 'social_added_value', 'supporter_count', 'support_evidence',
          'status', 'decision_outcome', 'decision_rationale', 'decision_conditions', 'decided_by', 'decided_at',
          'executing_project_id', 'submitted_at', 'updated_at',
        ],
      },
    ],
    bid_challenger: ['SELECT', 'INSERT'],
    // A criterion scored again replaces its score: an upsert, which sets every column.
    bid_assessment: ['SELECT', 'INSERT', 'UPDATE'],
    bid_event: ['SELECT', 'INSERT'],
    migrations: [],
    ...outboxPrivileges.tables,
  },
  functions: [...outboxPrivileges.functions],
};
