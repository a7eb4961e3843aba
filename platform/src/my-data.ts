import { forbidden, unauthenticated } from './errors';
import type { Viewer } from './identity';

/**
 * A member's data export (AVG/GDPR articles 15 and 20) is one federated
 * type, `MyDataExport`, keyed by the member: community starts it
 * (`exportMyData`) and every other subgraph adds what it holds about the
 * member. What the gateway hands each of them: the member, and whether
 * community records them as erased (through @requires).
 */
export interface MyDataExportRef {
  memberId: string;
  erased?: boolean | null;
}

/**
 * Only the member themself reads their export, however it is reached: the
 * gateway's plan after `exportMyData`, or `_entities` with any member id.
 */
export function requireOwnExport(viewer: Viewer, ref: MyDataExportRef): void {
  if (viewer.memberId === null) throw unauthenticated('Sign in to read your data export.');
  if (viewer.memberId.toLowerCase() !== ref.memberId.toLowerCase()) throw forbidden('A data export is only for the member it is about.');
}

/** Rows as the member receives them: instants as ISO 8601 strings, big integers as decimal strings. */
export function asExportJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(asExportJson);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asExportJson(v)]));
  return value;
}
