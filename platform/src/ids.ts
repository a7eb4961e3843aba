import { createHash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every id in the graph is a UUID; anything else cannot name a row, so lookups answer without asking PostgreSQL.
 * Only a string is one: RegExp#test would turn `["<uuid>"]` (a token's `sub`, say) into a matching string.
 */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/**
 * A UUID derived from a name (RFC 4122 version 5 layout over SHA-1). Demo and
 * benchmark data use it so that every subgraph computes the same ids for the
 * same things without sharing tables.
 */
export function stableId(name: string): string {
  const hash = createHash('sha1').update('dbwe:').update(name).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
