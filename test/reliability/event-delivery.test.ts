import { Client } from 'pg';
import { stableId, type Viewer } from '@dbwe/platform';
import { cloneTestDatabase } from '@dbwe/platform/testing';
import { overHttp, type Caller } from './ledger-api';
import { startSubgraphProcess, stopProcess, waitFor, type ServiceProcess } from './processes';
import { startCommunityGraph, type CommunityGraph } from '../platform';

/*
 * Domain events survive crashes (issue 16). The projects subgraph (the
 * producer) and the community subgraph (a consumer of its events) run as
 * real processes. Residents of two neighbourhoods keep proposing projects
 * from their neighbourhood's wishes; each proposal records
 * project.proposed and wish.adopted in its transaction. Mid-stream the
 * consumer is killed with SIGKILL, then the producer, with posts, relaying
 * and deliveries in flight; both restart, and the consumer is killed once
 * more while it catches up. Then, straight from PostgreSQL: every committed
 * proposal has its events and every event its proposal; every event was
 * delivered and applied exactly once in effect (the inbox holds each once,
 * each adoption is kept once, redeliveries were counted and dropped), and
 * each neighbourhood's events were applied in the order they were recorded.
 * Projects checks the wishes it is given in the public graph, served by a
 * second community instance on the same database that consumes nothing, so
 * killing the consumer does not stop the proposals.
 */
const CLIENTS = 6;

const neighbourhoods = {
  spijkerkwartier: { id: stableId('neighbourhood:spijkerkwartier'), resident: stableId('member:Spelende Sem') },
  klarendal: { id: stableId('neighbourhood:klarendal'), resident: stableId('member:Buurvrouw Bep') },
};

const PROPOSE = `mutation ($input: ProposeProjectInput!) { proposeProject(input: $input) { __typename ... on ProjectPayload { project { id } } } }`;

describe('domain events: SIGKILL of the producer and the consumer mid-stream', () => {
  let database: { url: string; drop: () => Promise<void> };
  let producer: ServiceProcess | undefined;
  let consumer: ServiceProcess | undefined;
  let admin: Client;
  let graph: CommunityGraph;

  beforeAll(async () => {
    database = await cloneTestDatabase();
    admin = new Client({ connectionString: database.url });
    await admin.connect();
    graph = await startCommunityGraph(database.url, { EVENTS_DELIVERY: 'false' });
  });
  afterAll(async () => {
    await stopProcess(producer);
    await stopProcess(consumer);
    await graph?.stop();
    await admin?.end();
    await database?.drop();
  });

  const count = async (sql: string, params: unknown[] = []) => Number((await admin.query(sql, params)).rows[0].n);
  const produced = () => count(`SELECT count(*) AS n FROM projects.event_outbox`);
  const applied = () => count(`SELECT count(*) AS n FROM community.event_inbox WHERE consumer = 'from-projects'`);

  it('delivers and applies every event exactly once in effect, in order per neighbourhood', async () => {
    const env = { SEED_DEMO: 'true' };
    const producerEnv = { ...env, GRAPH_URL: graph.gatewayUrl };
    consumer = await startSubgraphProcess('community', database.url, env);
    producer = await startSubgraphProcess('projects', database.url, producerEnv);
    const wishes = Object.fromEntries(
      await Promise.all(
        Object.entries(neighbourhoods).map(async ([slug, n]) => [
          slug,
          (await admin.query(`SELECT id FROM community.wish WHERE neighbourhood_id = $1 ORDER BY id`, [n.id])).rows.map((r) => r.id as string),
        ]),
      ),
    ) as Record<keyof typeof neighbourhoods, string[]>;

    const acknowledged = new Set<string>();
    let unanswered = 0;
    let stop = false;
    let calls = 0;
    const callerFor = (n: (typeof neighbourhoods)[keyof typeof neighbourhoods]): (() => Caller) => {
      const viewer: Viewer = { memberId: n.resident, roles: [{ role: 'resident', neighbourhood: n.id }] };
      return () => overHttp(producer!.url, viewer, { subgraph: 'projects' });
    };
    const client = async (c: number) => {
      const slug = c % 2 === 0 ? 'spijkerkwartier' : 'klarendal';
      const n = neighbourhoods[slug];
      const call = callerFor(n);
      while (!stop) {
        const wishId = wishes[slug][calls++ % wishes[slug].length];
        try {
          const answer = await call()<any>(PROPOSE, { input: { neighbourhoodId: n.id, title: `Project ${calls}`, summary: '', originatingWishes: [{ wishId, neighbourhoodId: n.id }] } });
          const id = answer.data?.proposeProject?.project?.id;
          if (!id) throw new Error(JSON.stringify(answer));
          acknowledged.add(id);
        } catch {
          unanswered++;
          // The producer is down: wait for it rather than spin.
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));

    // The consumer dies while it applies a stream still flowing in.
    await waitFor('the consumer to apply a first part of the stream', async () => (await applied()) >= 30 && (await produced()) > (await applied()), 60_000);
    consumer.kill('SIGKILL');
    expect((await consumer.exited).signal).toBe('SIGKILL');
    const appliedAtFirstKill = await applied();

    // The producer keeps recording for a while with nobody consuming, then dies with posts in flight.
    const producedAtConsumerKill = await produced();
    await waitFor('more events while the consumer is down', async () => (await produced()) >= producedAtConsumerKill + 60, 60_000);
    producer.kill('SIGKILL');
    expect((await producer.exited).signal).toBe('SIGKILL');
    stop = true;
    await Promise.all(clients);
    const unpublishedAtProducerKill = await count(`SELECT count(*) AS n FROM projects.event_outbox WHERE published_at IS NULL`);

    // Back up: the consumer catches up on what was queued, and is killed once more while it does.
    consumer = await startSubgraphProcess('community', database.url, env);
    await waitFor('the consumer to catch up a little', async () => (await applied()) > appliedAtFirstKill, 60_000, 10);
    consumer.kill('SIGKILL');
    await consumer.exited;
    consumer = await startSubgraphProcess('community', database.url, env);
    // The producer's relay publishes what it recorded but had not handed over.
    producer = await startSubgraphProcess('projects', database.url, producerEnv);

    const total = await produced();
    await waitFor(`all ${total} events to be applied`, async () => (await applied()) === total, 120_000, 200);

    // Every committed proposal has its two events, and every event belongs to a committed proposal.
    const projects = (await admin.query(`SELECT id FROM projects.project WHERE title LIKE 'Project %'`)).rows.map((r) => r.id as string);
    for (const id of acknowledged) expect(projects).toContain(id);
    const proposedEvents = await admin.query(`SELECT data->>'projectId' AS id FROM projects.event_outbox WHERE type = 'nl.dbwe.projects.project.proposed'`);
    expect(proposedEvents.rows.map((r) => r.id).sort()).toEqual([...projects].sort());
    const adoptedEvents = await count(`SELECT count(*) AS n FROM projects.event_outbox WHERE type = 'nl.dbwe.projects.wish.adopted'`);
    expect(adoptedEvents).toBe(projects.length);
    expect(total).toBe(2 * projects.length);

    // Delivered and applied exactly once in effect.
    const missing = await count(
      `SELECT count(*) AS n FROM projects.event_outbox o WHERE NOT EXISTS (SELECT 1 FROM community.event_inbox i WHERE i.consumer = 'from-projects' AND i.event_id = o.id)`,
    );
    expect(missing).toBe(0);
    expect(await applied()).toBe(total);
    expect(await count(`SELECT count(*) AS n FROM community.wish_adoption WHERE project_id = ANY($1)`, [projects])).toBe(projects.length);
    expect(await count(`SELECT count(*) AS n FROM community.event_pending`)).toBe(0);

    // In order: per neighbourhood, the inbox filled up position by position, without gaps.
    for (const n of Object.values(neighbourhoods)) {
      const { rows } = await admin.query(
        `SELECT sequence::int AS sequence, applied_at FROM community.event_inbox WHERE consumer = 'from-projects' AND neighbourhood_id = $1 ORDER BY sequence`,
        [n.id],
      );
      expect(rows.map((r) => r.sequence)).toEqual(rows.map((_, i) => i + 1));
      for (let i = 1; i < rows.length; i++) expect(rows[i].applied_at.getTime()).toBeGreaterThanOrEqual(rows[i - 1].applied_at.getTime());
      expect(await count(`SELECT applied_sequence AS n FROM community.event_cursor WHERE consumer = 'from-projects' AND neighbourhood_id = $1`, [n.id])).toBe(rows.length);
    }

    const duplicates = await count(`SELECT coalesce(sum(duplicates), 0) AS n FROM community.event_inbox WHERE consumer = 'from-projects'`);
    const jobs = await admin.query(
      `SELECT count(*) AS delivered, coalesce(sum(retry_count), 0) AS redelivered FROM (
         SELECT retry_count FROM events.job WHERE name = 'community.from-projects' UNION ALL SELECT retry_count FROM events.archive WHERE name = 'community.from-projects') j`,
    );
    const dead = await count(`SELECT count(*) AS n FROM events.job WHERE name = 'community.from-projects.dead'`);
    expect(dead).toBe(0);
    expect(Number(jobs.rows[0].delivered)).toBe(total);
    process.stdout.write(
      `event delivery: 2 SIGKILLs of the consumer, 1 of the producer, ${CLIENTS} clients; ${acknowledged.size} proposals acknowledged, ${unanswered} unanswered, ${projects.length - acknowledged.size} of them committed; ` +
        `events produced ${total} (${unpublishedAtProducerKill} unpublished when the producer died), delivered ${jobs.rows[0].delivered} ` +
        `(${jobs.rows[0].redelivered} deliveries repeated after a kill or a failure), applied ${await applied()}, duplicates suppressed ${duplicates}, dead letters ${dead}\n`,
    );
  });
});
