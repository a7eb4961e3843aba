import { isUuid } from '../ids';
import { canonicalId, type Role, type Viewer } from '../identity';
import type { EventData } from './envelope';

/*
 * The audit fact an admin's, steward's or official's action carries in its
 * event's data (docs/events.md, "Audit facts"): who acted, in which role,
 * why, and whether the public may learn of it. Community keeps every one it
 * applies as the neighbourhood's audit trail; producers build them here so
 * the shape and the limits are the same everywhere.
 */

/** The longest reason an audit fact carries; longer texts are cut (auditReason). */
export const AUDIT_REASON_MAX = 500;

export interface AuditFact {
  // The index signature lets the fact sit in EventData as its one nested object.
  [field: string]: string | boolean | null;
  /** The member (or identity) who acted; null for the platform itself. */
  actorId: string | null;
  /** The role the actor used: `admin`, `steward` or `official`. */
  role: string;
  reason: string | null;
  /** False keeps the event from the feed and webhooks and the record from everyone but the neighbourhood's admins. */
  public: boolean;
}

/** A reason for the audit: trimmed, null when empty, cut to AUDIT_REASON_MAX characters (a motivation may be longer; the full text stays where it was written). */
export function auditReason(text: string | null | undefined): string | null {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return null;
  const chars = [...trimmed];
  return chars.length <= AUDIT_REASON_MAX ? trimmed : `${chars.slice(0, AUDIT_REASON_MAX - 1).join('')}…`;
}

/** The event's audit fact: null when it carries none, `malformed` when `data.audit` is not a well-formed one. */
export function readAuditFact(data: EventData): AuditFact | null | 'malformed' {
  if (!('audit' in data) || data.audit === undefined) return null;
  const audit = data.audit;
  if (typeof audit !== 'object' || audit === null || Array.isArray(audit)) return 'malformed';
  const { actorId, role, reason, public: isPublic } = audit as Record<string, unknown>;
  if (actorId !== null && !(typeof actorId === 'string' && isUuid(actorId))) return 'malformed';
  if (typeof role !== 'string' || !/^[a-z][a-z-]{0,49}$/.test(role)) return 'malformed';
  if (reason !== null && !(typeof reason === 'string' && [...reason].length <= AUDIT_REASON_MAX)) return 'malformed';
  if (typeof isPublic !== 'boolean') return 'malformed';
  return { actorId: actorId === null ? null : actorId.toLowerCase(), role, reason, public: isPublic };
}

/** The role a viewer acted in, for an action open to `roles`: the first of them they were granted in the neighbourhood, else admin (who holds every role). */
export function actingRole<R extends Role>(viewer: Viewer, roles: readonly R[], neighbourhoodId: string): R | 'admin' {
  const held = (role: R) => viewer.roles.some((g) => g.role === role && (g.neighbourhood === '*' || canonicalId(g.neighbourhood) === canonicalId(neighbourhoodId)));
  return roles.find(held) ?? 'admin';
}

/** The audit fact of a viewer's action open to `roles` in the neighbourhood; public unless said otherwise. */
export function auditOf(viewer: Viewer, roles: readonly Role[], neighbourhoodId: string, reason: string | null, options: { public?: boolean } = {}): AuditFact {
  return { actorId: viewer.memberId, role: actingRole(viewer, roles, neighbourhoodId), reason: auditReason(reason), public: options.public ?? true };
}
