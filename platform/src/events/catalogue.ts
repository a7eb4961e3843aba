import type { SubgraphSchema } from '../database-roles';
import { eventType, type StoredEvent } from './envelope';

/*
 * Every event type the platform records, as readers outside it see them:
 * webhook subscriptions name these types, and the BI feed serves them.
 * test/event-catalogue.test.ts holds each subgraph's `events.emits` to this
 * list, so a new event cannot be recorded without being listed here.
 */
export const EVENT_CATALOGUE: Readonly<Record<SubgraphSchema, readonly string[]>> = {
  community: [
    'member.registered',
    'member.profile-updated',
    'member.erased',
    'member.domain-confirmed',
    'member.domain-rejected',
    'theme.added',
    'wish.posted',
    'wish.support-changed',
    'wish.archived',
    'poll.opened',
    'poll.closed',
    'municipality.registered',
    'neighbourhood.onboarded',
    'role.granted',
    'role.revoked',
  ],
  projects: [
    'project.proposed',
    'project.updated',
    'project.status-changed',
    'project.participant-added',
    'project.participant-removed',
    'project.milestone-added',
    'project.milestone-reached',
    'wish.adopted',
    'lesson.recorded',
    'bid.drafted',
    'bid.updated',
    'bid.criterion-assessed',
    'bid.submitted',
    'bid.withdrawn',
    'bid.assessment-started',
    'bid.decided',
    'bid.agreement-signed',
    'bid.execution-started',
    'bid.evaluated',
  ],
  ledger: [
    'books.opened',
    'account.created',
    'entry.posted',
    'budget.set',
    'financial-year.closed',
    'opening-balances.posted',
    'bank-account.linked',
    'bank-statement.imported',
    'bank-line.confirmed',
    'bank-line.ignored',
    'neighbourhood-budget.revised',
    'account.changed',
  ],
  impact: ['analysis.published', 'bid.forecast-linked'],
};

/** Every CloudEvents type, e.g. `nl.dbwe.ledger.entry.posted`. */
export const EVENT_TYPES: readonly string[] = (Object.entries(EVENT_CATALOGUE) as [SubgraphSchema, readonly string[]][]).flatMap(([subgraph, names]) =>
  names.map((name) => eventType(subgraph, name)),
);

/**
 * Types about what only some may see: a draft bid is visible to its
 * challengers alone, and only drafts are updated. They never leave the
 * platform's own consumers.
 */
const NOT_PUBLIC = new Set([eventType('projects', 'bid.drafted'), eventType('projects', 'bid.updated')]);

/** Whether anyone may learn of the event: webhooks and the BI feed carry only these. */
export function isPublicEvent(event: Pick<StoredEvent, 'type' | 'data'>): boolean {
  if (NOT_PUBLIC.has(event.type)) return false;
  // A draft withdrawn before it was ever submitted stays as private as the draft was.
  if (event.type === eventType('projects', 'bid.withdrawn') && event.data.from === 'DRAFT') return false;
  // A change of a wish's support below the minimum group size, which the public count does not show (docs/privacy.md).
  if (event.type === eventType('community', 'wish.support-changed') && event.data.visible === false) return false;
  // An action its audit fact keeps from the public (docs/events.md, "Audit facts"): the reason travels in the data.
  const audit = event.data.audit;
  if (typeof audit === 'object' && audit !== null && !Array.isArray(audit) && (audit as Record<string, unknown>).public === false) return false;
  return true;
}
