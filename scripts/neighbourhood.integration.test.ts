import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { anonymous, type SubgraphModule } from '@dbwe/platform';
import { cloneTestDatabase, ownerUrlFor, startTestSubgraph, type TestSubgraph } from '@dbwe/platform/testing';
import { community } from '@dbwe/community';

/*
 * `npm run neighbourhood` as an operator runs it on a new installation: a child process against
 * the database, as the community schema's owner, with no platform admin and no gateway. What it
 * wrote is then what the community service serves.
 */
const root = join(__dirname, '..');
const run = promisify(execFile);

describe('npm run neighbourhood', () => {
  let database: { url: string; drop: () => Promise<void> };
  let sql: Client;
  beforeAll(async () => {
    database = await cloneTestDatabase();
    sql = new Client({ connectionString: database.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql.end();
    await database.drop();
  });

  const cli = async (...args: string[]) => {
    const { DATABASE_URL: _unset, ...env } = process.env;
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/neighbourhood.ts', ...args], {
        cwd: root,
        env: { ...env, COMMUNITY_MIGRATION_DATABASE_URL: ownerUrlFor(database.url, 'community') },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const count = async (table: string) => (await sql.query(`SELECT count(*)::int AS n FROM community.${table}`)).rows[0].n as number;
  const counts = async () => {
    const result: Record<string, number> = {};
    for (const table of ['municipality', 'neighbourhood', 'theme', 'member', 'role_grant', 'event_outbox']) result[table] = await count(table);
    return result;
  };

  const admin = randomUUID();
  const create = (overrides: Record<string, string> = {}) => {
    const options: Record<string, string> = {
      municipality: 'GM0268',
      'municipality-name': 'Nijmegen',
      name: 'Nijmegen-Oost',
      slug: 'nijmegen-oost',
      wijk: 'WK026801',
      buurt: 'BU02680100,BU02680101',
      'admin-id': admin,
      'admin-name': 'Beheerder Bas',
      'admin-full-name': 'Bas Hendriks',
      'admin-email': 'bas@example.nl',
      reason: 'Nieuwe installatie voor Nijmegen-Oost.',
      ...overrides,
    };
    return cli('create', ...Object.entries(options).flatMap(([key, value]) => [`--${key}`, value]));
  };

  it('refuses bad input with every problem printed and exit code 1, writing nothing', async () => {
    const before = await counts();
    const missing = await cli('create', '--municipality', 'GM0268');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--name is required');
    expect(missing.stderr).toContain('--admin-id is required');
    expect(missing.stderr).toContain('--reason is required');

    const badBuurt = await create({ buurt: 'BU02680100,BU0268010' });
    expect(badBuurt.code).toBe(1);
    expect(badBuurt.stderr).toContain('refused: cbsBuurtCodes[1]');
    expect(badBuurt.stderr).toContain('INVALID_CBS_CODE');

    const noMunicipality = await create({ 'municipality-name': '' });
    expect(noMunicipality.code).toBe(1);
    expect(noMunicipality.stderr).toContain('municipalityName');
    expect(await counts()).toEqual(before);
  });

  it('onboards a neighbourhood on a new install, registering its municipality, and the graph serves it', async () => {
    const result = await create();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('municipality GM0268 (Nijmegen) registered');
    const id = /neighbourhood id: ([0-9a-f-]{36})/.exec(result.stdout)?.[1];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const { rows: grants } = await sql.query(`SELECT member_id, role, scope, neighbourhood_id, granted_by FROM community.role_grant WHERE member_id = $1`, [admin]);
    expect(grants).toEqual([{ member_id: admin, role: 'ADMIN', scope: 'NEIGHBOURHOOD', neighbourhood_id: id, granted_by: null }]);
    const { rows: events } = await sql.query(`SELECT type FROM community.event_outbox WHERE neighbourhood_id = $1 ORDER BY sequence`, [id]);
    expect(events.map((e) => e.type)).toContain('nl.dbwe.community.neighbourhood.onboarded');

    const subgraph: TestSubgraph<unknown, unknown> = await startTestSubgraph(community as SubgraphModule<unknown, unknown>, database.url);
    try {
      const answer = await subgraph.execute(
        `{ neighbourhood(slug: "nijmegen-oost") { id name chartTemplate pollPointsBudget cbsBuurtCodes municipality { cbsCode name } themes { slug } members { totalCount edges { node { id displayName } } } } }`,
        {},
        anonymous,
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.neighbourhood).toMatchObject({
        id,
        name: 'Nijmegen-Oost',
        chartTemplate: 'DUTCH_WIJKECONOMIE_2026',
        pollPointsBudget: 100,
        cbsBuurtCodes: ['BU02680100', 'BU02680101'],
        municipality: { cbsCode: 'GM0268', name: 'Nijmegen' },
        members: { totalCount: 1, edges: [{ node: { id: admin, displayName: 'Beheerder Bas' } }] },
      });
      expect((answer.data?.neighbourhood as { themes: unknown[] }).themes).toHaveLength(5);
    } finally {
      await subgraph.stop();
    }
  });

  it('refuses the same slug twice', async () => {
    const before = await counts();
    const again = await create({ 'admin-id': randomUUID(), wijk: 'WK026802', buurt: '' });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('NEIGHBOURHOOD_SLUG_TAKEN');
    expect(await counts()).toEqual(before);
  });

  it('grants the first platform admin once, and lists what the installation serves', async () => {
    const first = randomUUID();
    const granted = await cli('grant-platform-admin', '--member', first, '--reason', 'De eerste beheerder van de installatie.');
    expect(granted.code).toBe(0);
    expect(granted.stdout).toContain(`platform admin granted to ${first}`);
    const { rows } = await sql.query(`SELECT role, scope FROM community.role_grant WHERE member_id = $1 AND revoked_at IS NULL`, [first]);
    expect(rows).toEqual([{ role: 'ADMIN', scope: 'PLATFORM' }]);

    const twice = await cli('grant-platform-admin', '--member', first, '--reason', 'Nog eens.');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('is a platform admin already');
    const notAnId = await cli('grant-platform-admin', '--member', 'bas', '--reason', 'x');
    expect(notAnId.code).toBe(1);
    expect(notAnId.stderr).toContain('--member must be a UUID');

    const listed = await cli('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/GM0268 Nijmegen\n {2}nijmegen-oost\t[0-9a-f-]{36}\tNijmegen-Oost\t1 member\(s\)/);
    expect(listed.stdout).toContain(`platform admins: ${first}`);
  });
});
