import { CloudEvent, ValidationError } from 'cloudevents';
import type { SubgraphSchema } from '../database-roles';

/*
 * The envelope every domain event travels in: CloudEvents 1.0, structured
 * JSON, built and validated by the `cloudevents` package. Two extension
 * attributes carry what a consumer needs to apply events in order:
 * `neighbourhoodid` (the tenant the change belongs to) and `neighbourhoodseq`
 * (1, 2, 3, … per source and neighbourhood, without gaps). The documented
 * `sequence` extension orders a whole source as a string; ours orders one
 * neighbourhood's stream of one source, as a number (docs/events.md).
 * A third, `dbwesig`, is the source's signature of all of it (signature.ts).
 */

export const NEIGHBOURHOOD_EXTENSION = 'neighbourhoodid';
export const SEQUENCE_EXTENSION = 'neighbourhoodseq';
export const SIGNATURE_EXTENSION = 'dbwesig';

/** `/dbwe/<subgraph>`: the CloudEvents `source` of everything a subgraph records. */
export const eventSource = (subgraph: SubgraphSchema): string => `/dbwe/${subgraph}`;

/** `nl.dbwe.<subgraph>.<entity>.<change>`: the CloudEvents `type` of a declared event name. */
export const eventType = (subgraph: SubgraphSchema, name: string): string => `nl.dbwe.${subgraph}.${name}`;

/** Declared event names are `<entity>.<change>` in lower-case words joined by hyphens: `wish.adopted`, `project.status-changed`. */
export function checkEventName(name: string): string {
  if (!/^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*$/.test(name)) throw new Error(`"${name}" is not an event name like wish.adopted`);
  return name;
}

/**
 * Event data: public facts and ids only, as JSON (docs/events.md says what each event carries). One level of object
 * is allowed for the `audit` fact an admin's, steward's or official's action carries (docs/events.md, "Audit facts").
 */
export type EventData = Record<
  string,
  string | number | boolean | null | readonly string[] | readonly Record<string, string | number | null>[] | Readonly<Record<string, string | number | boolean | null>>
>;

/** What a subgraph records about one change. */
export interface DomainEvent {
  /** A name the subgraph declares in `events.emits`, e.g. `wish.adopted`. */
  name: string;
  /** What the event is about, as a path of the source: `projects/<id>`, `wishes/<id>`. */
  subject: string;
  neighbourhoodId: string;
  data: EventData;
}

/** A recorded event as the outbox keeps it and the engine carries it. */
export interface StoredEvent {
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  neighbourhoodId: string;
  sequence: number;
  data: EventData;
  /** Its source's Ed25519 signature (base64url), set by the relay; consumers apply only events it verifies (signature.ts). */
  signature?: string;
}

/** Builds the CloudEvent, or throws the package's ValidationError naming what is wrong. */
export function toCloudEvent(event: StoredEvent): CloudEvent<EventData> {
  return new CloudEvent<EventData>({
    specversion: '1.0',
    id: event.id,
    source: event.source,
    type: event.type,
    subject: event.subject,
    time: event.time,
    datacontenttype: 'application/json',
    data: event.data,
    [NEIGHBOURHOOD_EXTENSION]: event.neighbourhoodId,
    [SEQUENCE_EXTENSION]: event.sequence,
    ...(event.signature === undefined ? {} : { [SIGNATURE_EXTENSION]: event.signature }),
  });
}

/** The structured JSON form (CloudEvents JSON format) of a stored event. */
export function toStructured(event: StoredEvent): Record<string, unknown> {
  return toCloudEvent(event).toJSON();
}

export class InvalidEvent extends Error {
  override name = 'InvalidEvent';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A delivered event, validated as a CloudEvent and as one of ours: a uuid
 * id, our source, a neighbourhood and a positive whole sequence. Throws
 * InvalidEvent otherwise, which the consumer treats as undeliverable.
 */
export function parseDelivered(structured: unknown): StoredEvent {
  if (typeof structured !== 'object' || structured === null) throw new InvalidEvent('the delivered event is not a JSON object');
  let event: CloudEvent<EventData>;
  try {
    event = new CloudEvent<EventData>(structured as Record<string, unknown>);
  } catch (error) {
    throw new InvalidEvent(error instanceof ValidationError ? `not a valid CloudEvent: ${JSON.stringify(error.errors ?? error.message)}` : String(error));
  }
  // The package accepts the versions it knows (0.3 among them); ours are 1.0.
  if (event.specversion !== '1.0') throw new InvalidEvent(`event ${event.id} is CloudEvents ${event.specversion}, not 1.0`);
  const neighbourhoodId = event[NEIGHBOURHOOD_EXTENSION];
  const sequence = event[SEQUENCE_EXTENSION];
  if (!UUID.test(event.id)) throw new InvalidEvent(`event id "${event.id}" is not a uuid`);
  if (!/^\/dbwe\/[a-z]+$/.test(event.source)) throw new InvalidEvent(`event source "${event.source}" is not one of the platform's`);
  if (typeof neighbourhoodId !== 'string' || !UUID.test(neighbourhoodId)) throw new InvalidEvent(`event ${event.id} has no ${NEIGHBOURHOOD_EXTENSION}`);
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1) throw new InvalidEvent(`event ${event.id} has no ${SEQUENCE_EXTENSION}`);
  if (typeof event.data !== 'object' || event.data === null) throw new InvalidEvent(`event ${event.id} has no JSON data`);
  const signature = event[SIGNATURE_EXTENSION];
  if (signature !== undefined && typeof signature !== 'string') throw new InvalidEvent(`event ${event.id} has a ${SIGNATURE_EXTENSION} that is not a string`);
  return {
    id: event.id,
    source: event.source,
    type: event.type,
    subject: event.subject ?? '',
    time: event.time ?? '',
    neighbourhoodId,
    sequence,
    data: event.data,
    ...(signature === undefined ? {} : { signature }),
  };
}
