import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { cloneTestDatabase, runtimeUrlFor } from '../../testing/database';
import { createLogger } from '../logger';
import { consumerBatchHandler, receiveEvent, type EventConsumer } from './consumer';
import { consumerQueue, EventEngine, sourceTopic } from './engine';
import { eventSource, eventType, type StoredEvent } from './envelope';
import { newEd25519KeyPair, publicKeyObject, signingKeyFromSeed } from '../ed25519';
import { signEvent, type SignedEvent, type SourceKeys } from './signature';

/*
 * The engine promises at-least-once delivery and no order; the consumer
 * makes it exactly-once in effect and in order per neighbourhood. Here, on
 * real PostgreSQL with the real engine and community's inbox, as
 * community's runtime role: a neighbourhood's events 11..20 are delivered
 * before 1..10, interleaved with another neighbourhood's, some twice; each
 * handler runs once per event, in sequence order. And events projects did
 * not sign, written into the engine by whoever can reach it, are refused
 * without taking any real event's place.
 */
const source = 'projects' as const;
const TYPE = eventType(source, 'project.updated');
const projectsKey = signingKeyFromSeed(newEd25519KeyPair().seed);
const ledgerKey = signingKeyFromSeed(newEd25519KeyPair().seed);
const keys: SourceKeys = { projects: publicKeyObject(projectsKey.publicKey), ledger: publicKeyObject(ledgerKey.publicKey) };

const unsigned = (neighbourhoodId: string, sequence: number): StoredEvent => ({
  id: randomUUID(),
  source: eventSource(source),
  type: TYPE,
  subject: `projects/${randomUUID()}`,
  time: new Date().toISOString(),
  neighbourhoodId,
  sequence,
  data: { n: sequence },
});

function stream(neighbourhoodId: string, count: number): SignedEvent[] {
  return Array.from({ length: count }, (_, i) => signEvent(unsigned(neighbourhoodId, i + 1), projectsKey));
}

describe('a consumer of events delivered out of order, twice', () => {
  let database: { url: string; drop: () => Promise<void> };
  let pool: Pool;
  beforeAll(async () => {
    database = await cloneTestDatabase();
    pool = new Pool({ connectionString: runtimeUrlFor(database.url, 'community'), max: 3 });
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const applied: { neighbourhood: string; sequence: number }[] = [];
  const consumer: EventConsumer = {
    name: 'ordering-test',
    source,
    handlers: {
      [TYPE]: async (_tx, event) => {
        applied.push({ neighbourhood: event.neighbourhoodId, sequence: event.sequence });
      },
    },
  };
  const inOrder = (neighbourhood: string) => applied.filter((a) => a.neighbourhood === neighbourhood).map((a) => a.sequence);

  it('applies an early event only after its predecessors, and a repeated one not at all', async () => {
    const n = randomUUID();
    const [first, second, third] = stream(n, 3);
    expect(await receiveEvent(pool, 'community', consumer, third)).toBe('parked');
    expect(await receiveEvent(pool, 'community', consumer, third)).toBe('parked');
    expect(await receiveEvent(pool, 'community', consumer, second)).toBe('parked');
    expect(inOrder(n)).toEqual([]);
    expect(await receiveEvent(pool, 'community', consumer, first)).toBe('applied');
    expect(inOrder(n)).toEqual([1, 2, 3]);
    expect(await receiveEvent(pool, 'community', consumer, second)).toBe('duplicate');
    expect(await receiveEvent(pool, 'community', consumer, first)).toBe('duplicate');
    expect(inOrder(n)).toEqual([1, 2, 3]);
    const inbox = await pool.query(`SELECT sequence::int, duplicates FROM community.event_inbox WHERE consumer = $1 AND neighbourhood_id = $2 ORDER BY sequence`, [consumer.name, n]);
    // The third arrived twice while parked, the first and second once more after they were applied.
    expect(inbox.rows).toEqual([
      { sequence: 1, duplicates: 1 },
      { sequence: 2, duplicates: 1 },
      { sequence: 3, duplicates: 1 },
    ]);
    const pending = await pool.query(`SELECT count(*)::int AS n FROM community.event_pending WHERE neighbourhood_id = $1`, [n]);
    expect(pending.rows[0].n).toBe(0);
  });

  it('refuses a second event claiming a position already taken', async () => {
    const n = randomUUID();
    const [first] = stream(n, 1);
    await receiveEvent(pool, 'community', consumer, first);
    await expect(receiveEvent(pool, 'community', consumer, { ...first, id: randomUUID() })).rejects.toThrow(/claims position 1/);
  });

  it('through the engine: two neighbourhoods, the second half of one delivered first, every event applied once and in order', async () => {
    const engine = await EventEngine.start(pool, createLogger('test', 'silent'), { maintenanceIntervalSeconds: 2, where: 'the test database' });
    try {
      const queue = consumerQueue('community', consumer.name);
      const topic = sourceTopic(source);
      await engine.ensureQueue(queue, { retryLimit: 3, retryDelaySeconds: 1, expireInSeconds: 30 }, [topic]);
      const a = randomUUID();
      const b = randomUUID();
      const streamA = stream(a, 20);
      const streamB = stream(b, 10);
      // Published twice over: the engine keeps one job per event id.
      await engine.publish([...streamA.slice(10)].reverse(), () => topic);
      await engine.publish(streamB.filter((e) => e.sequence % 2 === 0), () => topic);
      await engine.publish([...streamA.slice(10)], () => topic);
      const outcomes: string[] = [];
      await engine.work(queue, { batchSize: 4, pollingIntervalSeconds: 0.5 }, consumerBatchHandler(pool, 'community', consumer, keys, createLogger('test', 'silent'), (o) => outcomes.push(o)));
      const parked = async () => (await pool.query(`SELECT count(*)::int AS n FROM community.event_pending WHERE consumer = $1`, [consumer.name])).rows[0].n;
      // Generous bounds: on a loaded machine delivery takes its time; the order does not depend on it.
      for (let i = 0; i < 1200 && (await parked()) < 15; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await parked()).toBe(15);
      expect(inOrder(a)).toEqual([]);
      await engine.publish([...streamA.slice(0, 10)].reverse(), () => topic);
      await engine.publish(streamB.filter((e) => e.sequence % 2 === 1), () => topic);
      // Handlers run inside the applying transaction: wait for its commit (the parked rows gone) too.
      for (let i = 0; i < 1200 && (inOrder(a).length + inOrder(b).length < 30 || (await parked()) > 0); i++) await new Promise((r) => setTimeout(r, 50));
      expect(inOrder(a)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(inOrder(b)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
      expect(await parked()).toBe(0);
      expect(outcomes.filter((o) => o === 'duplicate')).toEqual([]);
      const cursors = await pool.query(`SELECT neighbourhood_id, applied_sequence::int AS at FROM community.event_cursor WHERE consumer = $1 AND neighbourhood_id = ANY($2) ORDER BY applied_sequence`, [consumer.name, [a, b]]);
      expect(cursors.rows).toEqual([
        { neighbourhood_id: b, at: 10 },
        { neighbourhood_id: a, at: 20 },
      ]);
    } finally {
      await engine.stop(1000);
    }
  });

  it('through the engine: events projects did not sign are refused, and the real ones behind them are applied in their places', async () => {
    const engine = await EventEngine.start(pool, createLogger('test', 'silent'), { maintenanceIntervalSeconds: 2, where: 'the test database' });
    try {
      const guarded: EventConsumer = { ...consumer, name: 'forgery-test' };
      const queue = consumerQueue('community', guarded.name);
      const topic = sourceTopic(source);
      await engine.ensureQueue(queue, { retryLimit: 0, retryDelaySeconds: 1, expireInSeconds: 30 }, [topic]);
      const n = randomUUID();
      const real = stream(n, 3);
      const tampered = { ...real[0], id: randomUUID(), data: { n: 99 } };
      const forged: SignedEvent[] = [
        // Signed by another subgraph with its own key, claiming projects' first place in the stream.
        signEvent(unsigned(n, 1), ledgerKey),
        // Not signed at all (the job written straight into the engine, as publish would).
        { ...unsigned(n, 2), signature: '' },
        // A real signature over other contents: another id and other data.
        tampered,
      ];
      const refused: string[] = [];
      const outcomes: string[] = [];
      const logger = createLogger('test', 'silent');
      const handler = consumerBatchHandler(pool, 'community', guarded, keys, logger, (o) => outcomes.push(o));
      // The forged events arrive first and are refused before the real ones are published.
      await engine.publish(forged, () => topic);
      await engine.work(queue, { batchSize: 10, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        const result = await handler(jobs);
        refused.push(...result.failed.map((f) => `${f.error.name}`));
        return result;
      });
      for (let i = 0; i < 600 && refused.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
      await engine.publish(real, () => topic);
      // Outcomes are reported after each applying transaction commits.
      for (let i = 0; i < 600 && outcomes.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
      expect(refused).toEqual(['EventSignatureRefused', 'EventSignatureRefused', 'EventSignatureRefused']);
      expect(inOrder(n)).toEqual([1, 2, 3]);
      expect(outcomes).toEqual(['applied', 'applied', 'applied']);
      const inbox = await pool.query(`SELECT event_id FROM community.event_inbox WHERE consumer = $1 AND neighbourhood_id = $2 ORDER BY sequence`, [guarded.name, n]);
      expect(inbox.rows.map((r) => r.event_id)).toEqual(real.map((e) => e.id));
      const pending = await pool.query(`SELECT count(*)::int AS n FROM community.event_pending WHERE neighbourhood_id = $1`, [n]);
      expect(pending.rows[0].n).toBe(0);
      // With no retries left, each forged job went to the dead letters, not anywhere it could be applied from.
      const dead = async () => (await pool.query<{ id: string }>(`SELECT data->>'id' AS id FROM events.job WHERE name = $1`, [`${queue}.dead`])).rows.map((r) => r.id).sort();
      for (let i = 0; i < 600 && (await dead()).length < forged.length; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await dead()).toEqual(forged.map((e) => e.id).sort());
    } finally {
      await engine.stop(1000);
    }
  });
});
