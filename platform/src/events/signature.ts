import { sign, verify, type KeyObject } from 'node:crypto';
import type { SigningKey } from '../ed25519';
import { SUBGRAPH_SCHEMAS, type SubgraphSchema } from '../database-roles';
import { InvalidEvent, NEIGHBOURHOOD_EXTENSION, parseDelivered, SEQUENCE_EXTENSION, type StoredEvent } from './envelope';

/*
 * Every runtime role may insert and change jobs in the engine's tables (the
 * engine is shared, engine.ts), so a job's queue and its event's `source` say
 * nothing about who wrote it. What does: the producer signs each event it
 * relays with its own Ed25519 key (SERVICE_ASSERTION_PRIVATE_KEY, which no
 * other subgraph holds), and every consumer checks the signature with the
 * public key of the event's source (<SOURCE>_SERVICE_PUBLIC_KEY) before the
 * event goes anywhere near its cursor. The signature covers everything a
 * consumer acts on: id, source, type, subject, time, neighbourhood, sequence
 * and data (docs/events.md, "Signed by their source").
 */

/** The version of the canonical form below; a change to it is a new prefix. */
const SIGNED_FORM = 'dbwe-event-v1\n';

/** An event as its source signed it: the signature is the CloudEvents extension `dbwesig`. */
export type SignedEvent = StoredEvent & { signature: string };

/** The public keys of the sources a subgraph accepts events from. */
export type SourceKeys = Partial<Record<SubgraphSchema, KeyObject>>;

/** JSON with object keys sorted (by UTF-16 code unit, as Array.prototype.sort does) and no spaces; absent and undefined members are the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The bytes a source signs: the version line, then the canonical JSON of the event's attributes by their CloudEvents names. */
export function signedBytes(event: StoredEvent): Buffer {
  return Buffer.from(
    SIGNED_FORM +
      canonicalJson({
        specversion: '1.0',
        id: event.id,
        source: event.source,
        type: event.type,
        subject: event.subject,
        time: event.time,
        [NEIGHBOURHOOD_EXTENSION]: event.neighbourhoodId,
        [SEQUENCE_EXTENSION]: event.sequence,
        data: event.data,
      }),
    'utf8',
  );
}

/** Signs an event as its source (base64url of the 64-byte Ed25519 signature). */
export function signEvent(event: StoredEvent, key: SigningKey): SignedEvent {
  return { ...event, signature: sign(null, signedBytes(event), key.privateKey).toString('base64url') };
}

/** A delivered event its source did not sign: never applied, never kept, never passed on. */
export class EventSignatureRefused extends InvalidEvent {
  override name = 'EventSignatureRefused';
}

/** The subgraph a platform source names (`/dbwe/projects` → projects), or undefined. */
export function subgraphOfSource(source: string): SubgraphSchema | undefined {
  return SUBGRAPH_SCHEMAS.find((s) => `/dbwe/${s}` === source);
}

/**
 * The event, if its source signed exactly it; EventSignatureRefused
 * otherwise (no signature, a source without a key here, or a signature that
 * does not verify: made with another key, or over other contents).
 */
export function verifyEvent(event: StoredEvent, keys: SourceKeys): SignedEvent {
  const subgraph = subgraphOfSource(event.source);
  const key = subgraph ? keys[subgraph] : undefined;
  if (!subgraph || !key) throw new EventSignatureRefused(`event ${event.id} comes from ${event.source}, whose public key this subgraph does not have`);
  if (!event.signature) throw new EventSignatureRefused(`event ${event.id} from ${event.source} is not signed`);
  const signature = Buffer.from(event.signature, 'base64url');
  if (signature.length !== 64 || !verify(null, signedBytes(event), key, signature)) {
    throw new EventSignatureRefused(`event ${event.id} is not signed by ${event.source}: its signature does not verify with ${subgraph.toUpperCase()}_SERVICE_PUBLIC_KEY`);
  }
  return event as SignedEvent;
}

/** A delivered job's data as an event its source signed; InvalidEvent (or EventSignatureRefused) otherwise. */
export function parseSigned(structured: unknown, keys: SourceKeys): SignedEvent {
  return verifyEvent(parseDelivered(structured), keys);
}
