import { inboxPrivileges, outboxPrivileges, type DatabasePrivileges } from '@dbwe/platform';

/**
 * What the community service may do in its schema. A member's neighbourhood,
 * kind and join date, a wish's author and text, and a poll's budget
 * and themes never change once written; a member's domain changes only when an
 * admin confirms or rejects the domain they claimed; erasure clears personal data and
 * unlinks supports and ballots (member_id set to null). Supports, allocations
 * and nothing else are deleted.
 */
export const databasePrivileges: DatabasePrivileges = {
  tables: {
    neighbourhood: ['SELECT', 'INSERT'],
    member: ['SELECT', 'INSERT', { UPDATE: ['display_name', 'full_name', 'email', 'phone', 'address', 'roles', 'erased_at', 'updated_at', 'domain', 'claimed_domain', 'domain_confirmed_at', 'domain_confirmed_by'] }],
    theme: ['SELECT', 'INSERT'],
    wish: ['SELECT', 'INSERT', { UPDATE: ['archived_at', 'updated_at'] }],
    wish_theme: ['SELECT', 'INSERT'],
    wish_support: ['SELECT', 'INSERT', 'DELETE', { UPDATE: ['member_id'] }],
    poll: ['SELECT', 'INSERT', { UPDATE: ['closed_at', 'updated_at'] }],
    poll_theme: ['SELECT', 'INSERT'],
    poll_ballot: ['SELECT', 'INSERT', { UPDATE: ['member_id', 'updated_at'] }],
    poll_allocation: ['SELECT', 'INSERT', 'DELETE'],
    migrations: [],
    ...outboxPrivileges.tables,
    ...inboxPrivileges.tables,
    // Kept from the projects subgraph's wish.adopted events, by the consumer.
    wish_adoption: ['SELECT', 'INSERT'],
    // Civic apps' webhooks: a member deletes their own subscriptions; deliveries go with them.
    webhook_subscription: ['SELECT', 'INSERT', 'DELETE', { UPDATE: ['active', 'consecutive_failures', 'disabled_at', 'updated_at'] }],
    webhook_delivery: [
      'SELECT',
      'INSERT',
      'DELETE',
      { UPDATE: ['state', 'attempts', 'last_status_code', 'last_error', 'last_attempt_at', 'next_attempt_at', 'delivered_at', 'job_id'] },
    ],
    // The payload of each event fanned out to webhook subscriptions, as delivered.
    webhook_event: ['SELECT', 'INSERT'],
    // The BI event feed, written by the consumers in the transaction that applies each event.
    event_feed_head: ['SELECT', 'INSERT', { UPDATE: ['last_position'] }],
    event_feed: ['SELECT', 'INSERT'],
    // Municipalities and offices: registered by admins; a grant changes only to record its revocation.
    municipality: ['SELECT', 'INSERT'],
    role_grant: ['SELECT', 'INSERT', { UPDATE: ['revoked_by', 'revoke_reason', 'revoked_at'] }],
    // The audit trail, copied from applied events by the consumers; never changed.
    audit_record: ['SELECT', 'INSERT'],
  },
  functions: [...outboxPrivileges.functions],
};
