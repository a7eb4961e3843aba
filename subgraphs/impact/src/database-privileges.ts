import { outboxPrivileges, type DatabasePrivileges } from '@dbwe/platform';

/**
 * What the impact service may do in its schema. A draft analysis is edited
 * freely (its project, neighbourhood, kind and author stay); its stakeholders,
 * outcomes and in-kind inputs may be replaced or removed, measurements only
 * added. The triggers refuse every change to a published analysis and its
 * rows (its snapshot as published among them), whoever asks.
 */
export const databasePrivileges: DatabasePrivileges = {
  tables: {
    analysis: [
      'SELECT',
      'INSERT',
      {
        UPDATE: [
          'status', 'title', 'period_start', 'period_end', 'discount_rate', 'discount_first_year', 'planned_inputs', 'volunteer_hour_rate',
          'volunteer_hour_rate_source', 'published_at', 'updated_at',
        ],
      },
    ],
    stakeholder: ['SELECT', 'INSERT', 'DELETE', { UPDATE: ['description', 'position'] }],
    outcome: [
      'SELECT',
      'INSERT',
      'DELETE',
      {
        UPDATE: [
          'stakeholder', 'description', 'indicator', 'quantity', 'proxy_value', 'proxy_description', 'proxy_source', 'duration_years',
          'drop_off', 'drop_off_rationale', 'deadweight', 'deadweight_rationale', 'displacement', 'displacement_rationale',
          'attribution', 'attribution_rationale', 'negative', 'updated_at',
        ],
      },
    ],
    in_kind_input: ['SELECT', 'INSERT', 'DELETE'],
    measurement: ['SELECT', 'INSERT'],
    bid_forecast: ['SELECT', 'INSERT', { UPDATE: ['analysis_id', 'linked_by', 'updated_at'] }],
    // Written once, when its analysis is published; the database refuses any change afterwards.
    published_snapshot: ['SELECT', 'INSERT'],
    migrations: [],
    ...outboxPrivileges.tables,
  },
  functions: [...outboxPrivileges.functions],
};
