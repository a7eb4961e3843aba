import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createLogger, EventEngine, eventSource, eventType, signEvent, signingKeyFromSeed, sourceTopic, stableId, type StoredEvent } from '@dbwe/platform';
import { runtimeUrlFor, testIdentityEnv } from '@dbwe/platform/testing';
import { startPlatform, type RunningPlatform } from './platform';
import { SPIJKERKWARTIER, tokenOf } from './people';

/*
 * Issue 17 asks that a subgraph's whole environment is not enough to speak for anyone to another
 * subgraph. The identity assertions hold that for HTTP (gateway/src/identity.integration.test.ts);
 * subgraphs also speak to each other through the event engine, and every runtime role may INSERT
 * and UPDATE any row of events.job (event-engine-privileges.integration.test.ts lists the grants):
 * a job's queue name and its event's `source` are just columns. So the ledger's environment (its
 * database URL, its own key) is enough to hand community an event "from projects", and was enough
 * for community to apply it (a wish_adoption row, the wish's updatedAt), keep it in the public BI
 * feed as projects' and deliver it to every civic app's webhook. The forged event also took the
 * real next projects event's place in the neighbourhood's stream, which was then refused as
 * "applied before under another id" and stopped the stream.
 *
 * Now every event is signed by its source's own key and community checks the signature against
 * PROJECTS_SERVICE_PUBLIC_KEY before anything else: the ledger, signing with the only key it has,
 * or not signing at all, is refused, and projects' own events behind it take their places.
 */
const FEED = '/export/v1/neighbourhoods/spijkerkwartier/events.jsonl';

describe("a subgraph's environment and the event engine", () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    platform = await startPlatform({ seed: ['community'] });
  });
  afterAll(() => platform?.stop());

  it('does not let the ledger hand community an event as projects, nor take the place of projects’ own', async () => {
    const wishes = await platform.query<{ neighbourhood: { wishes: { edges: { node: { id: string } }[] } } }>(
      `query ($n: ID!) { neighbourhood(id: $n) { wishes(first: 2) { edges { node { id } } } } }`,
      { n: SPIJKERKWARTIER },
    );
    if (!wishes.body.data) throw new Error(JSON.stringify(wishes));
    const [forgedWish, realWish] = wishes.body.data.neighbourhood.wishes.edges.map((e) => e.node.id);

    // Only what the ledger is started with: its database URL, as its runtime role, and its own key.
    const ledgerKey = signingKeyFromSeed(testIdentityEnv('ledger').SERVICE_ASSERTION_PRIVATE_KEY);
    const ledgerPool = new Pool({ connectionString: runtimeUrlFor(platform.subgraphs.ledger.adminUrl, 'ledger'), max: 1 });
    const claim = (sequence: number): StoredEvent => ({
      id: randomUUID(),
      source: eventSource('projects'),
      type: eventType('projects', 'wish.adopted'),
      subject: `wishes/${forgedWish}`,
      time: new Date().toISOString(),
      neighbourhoodId: SPIJKERKWARTIER,
      // Projects has recorded nothing in this neighbourhood yet: the forged events claim its first places.
      sequence,
      data: { wishId: forgedWish, projectId: stableId('project:never proposed'), adoptedAt: new Date().toISOString() },
    });
    const forged = [signEvent(claim(1), ledgerKey), { ...claim(2), signature: '' }];
    const engine = await EventEngine.start(ledgerPool, createLogger('attacker', 'silent'), { maintenanceIntervalSeconds: 3600, where: 'the ledger database' });
    try {
      // What projects' relay does with its own events, done by the ledger's role with projects' topic.
      expect(await engine.publish(forged, () => sourceTopic('projects'))).toBeGreaterThan(0);
    } finally {
      await engine.stop(1000);
      await ledgerPool.end();
    }
    // Give community's consumer time to be delivered them (its poll is 0.5 s in tests).
    await new Promise((resolve) => setTimeout(resolve, 3000));

    // Then projects records its own first events in the neighbourhood: a project that adopts the other wish.
    const lotte = await tokenOf(platform, 'Lezende Lotte', ['resident'], SPIJKERKWARTIER);
    const proposed = await platform.query<{ proposeProject: { __typename: string; project?: { id: string } } }>(
      `mutation ($input: ProposeProjectInput!) { proposeProject(input: $input) { __typename ... on ProjectPayload { project { id } } } }`,
      { input: { neighbourhoodId: SPIJKERKWARTIER, title: 'Buurtbieb', summary: 'Een minibieb op elke hoek.', originatingWishes: [{ wishId: realWish }] } },
      { token: lotte },
    );
    expect(proposed.body.data?.proposeProject.__typename).toBe('ProjectPayload');
    const projectId = proposed.body.data!.proposeProject.project!.id;
    await platform.eventsSettled();

    const feed = await (await fetch(new URL(FEED, platform.gatewayUrl))).text();
    const adoptions = await platform.subgraphs.community.admin.query<{ wish_id: string; project_id: string }>(
      `SELECT wish_id, project_id FROM community.wish_adoption WHERE wish_id = ANY($1) ORDER BY wish_id`,
      [[forgedWish, realWish]],
    );
    const fromProjects = feed
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((e) => e.source === eventSource('projects'))
      .map((e) => ({ type: e.type, seq: e.neighbourhoodseq, signed: typeof e.dbwesig === 'string' }));
    expect({ forgedInFeed: forged.filter((e) => feed.includes(e.id)).length, adoptions, fromProjects }).toEqual({
      forgedInFeed: 0,
      adoptions: [{ wish_id: realWish, project_id: projectId }],
      fromProjects: [
        { type: eventType('projects', 'project.proposed'), seq: 1, signed: true },
        { type: eventType('projects', 'wish.adopted'), seq: 2, signed: true },
      ],
    });
    // Nothing waits for a gap; the forged jobs are refused (retried, then dead letters), never completed, and none of projects' own is.
    const pending = await platform.subgraphs.community.admin.query(`SELECT sequence FROM community.event_pending WHERE source = $1`, [eventSource('projects')]);
    expect(pending).toEqual([]);
    const jobs = await platform.subgraphs.community.admin.query<{ id: string; name: string; state: string }>(
      `SELECT data->>'id' AS id, name, state FROM events.job WHERE name LIKE 'community.%' AND data->>'source' = $1`,
      [eventSource('projects')],
    );
    const isForged = (id: string) => forged.some((e) => e.id === id);
    expect(jobs.filter((j) => isForged(j.id) && j.state === 'completed')).toEqual([]);
    expect(jobs.filter((j) => isForged(j.id)).length).toBeGreaterThanOrEqual(forged.length);
    expect(jobs.filter((j) => !isForged(j.id) && ['retry', 'failed'].includes(j.state))).toEqual([]);
  });
});
