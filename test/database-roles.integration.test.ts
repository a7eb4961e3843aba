import { Client } from 'pg';
import { ledger } from '@dbwe/ledger';
import { ownerRole, platformRoles, provisionDatabaseRoles, runtimeRole, SUBGRAPH_SCHEMAS } from '@dbwe/platform';
import {
  createSuperuserInstallation,
  dropDatabase,
  migrateAsOwner,
  runtimeUrlFor,
  securitySnapshot,
  startTestSubgraph,
  testRolePasswords,
  withDatabase,
} from '@dbwe/platform/testing';
import { POST_ENTRY, SPIJKERKWARTIER, account, steward, transfer } from '@dbwe/ledger/src/testing/ledger.fixtures';
import { allSubgraphs } from './subgraphs';

/*
 * Provisioning (npm run db:roles, npm start, the jest global setup): the
 * platform's eight roles, a database and its four schemas, each owned by its
 * owner role; an installation from before, where a superuser owned
 * everything, moved over object by object, after which the subgraphs run
 * on it as their runtime roles. Running it again changes nothing.
 */
jest.setTimeout(120_000);

const serverUrl = () => process.env.DBWE_TEST_SERVER_URL!;
const names = { fresh: `${process.env.DBWE_TEST_TEMPLATE}_fresh_${process.pid}`, installed: `${process.env.DBWE_TEST_TEMPLATE}_installed_${process.pid}` };
afterAll(async () => {
  for (const name of Object.values(names)) await dropDatabase(serverUrl(), name);
});

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

it('creates eight login roles with no special attribute, a runtime and an owner role per subgraph', async () => {
  await provisionDatabaseRoles(serverUrl(), { database: names.fresh, passwords: testRolePasswords() });
  const { rows } = await withClient(serverUrl(), (c) =>
    c.query(
      `SELECT rolname, rolcanlogin AND NOT (rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls) AS plain
         FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname`,
      [platformRoles().map((r) => r.name)],
    ),
  );
  expect(rows).toEqual(
    SUBGRAPH_SCHEMAS.flatMap((s) => [runtimeRole(s), ownerRole(s)])
      .sort()
      .map((rolname) => ({ rolname, plain: true })),
  );
});

it('creates the database with the schemas owned by their owners, which only the platform\'s roles may connect to', async () => {
  const url = withDatabase(serverUrl(), names.fresh);
  const snapshot = await securitySnapshot(url);
  for (const s of SUBGRAPH_SCHEMAS) expect(snapshot).toContain(`schema ${s} owner ${ownerRole(s)} acl {${ownerRole(s)}=UC/${ownerRole(s)}}`);
  const [{ datacl }] = (await withClient(serverUrl(), (c) => c.query(`SELECT datacl::text FROM pg_database WHERE datname = $1`, [names.fresh]))).rows;
  // No entry for PUBLIC ("=…"): nobody else connects or makes temporary tables; each role may connect.
  expect(datacl).not.toMatch(/[{,]=/);
  for (const role of platformRoles()) expect(datacl).toContain(`${role.name}=c/`);
  // Nobody but its owner creates objects in the public schema.
  expect(snapshot.find((l) => l.startsWith('schema public'))).not.toMatch(/[{,]=[A-Za-z]*C/);
});

it('refuses to run without a superuser', async () => {
  await expect(provisionDatabaseRoles(runtimeUrlFor(withDatabase(serverUrl(), names.fresh), 'ledger'))).rejects.toThrow(
    'setting up the database roles needs a superuser; dbwe_ledger is not one',
  );
});

describe('an installation from before the roles, where the superuser owned everything', () => {
  let url: string;
  beforeAll(async () => {
    url = await createSuperuserInstallation(serverUrl(), names.installed, allSubgraphs, { seed: true });
  });

  it('is moved over: the schemas and every object in them belong to the owner roles', async () => {
    const before = await securitySnapshot(url);
    expect(before.filter((l) => / owner dbwe_/.test(l))).toEqual([]);
    await provisionDatabaseRoles(serverUrl(), { database: names.installed, passwords: testRolePasswords() });
    const after = await securitySnapshot(url);
    const owned = after.filter((l) => /^(schema (community|projects|ledger|impact)|relation|function|type) /.test(l));
    expect(owned.length).toBeGreaterThan(100);
    // The event engine's schema (installed by provisioning) belongs to its own owner.
    for (const line of owned) expect(line).toMatch(/ owner dbwe_(community|projects|ledger|impact|events)_owner( |$)/);
    for (const s of SUBGRAPH_SCHEMAS) for (const line of owned.filter((l) => l.includes(` ${s}.`))) expect(line).toContain(`owner ${ownerRole(s)}`);
  });

  it('then migrates as the owners, who grant the runtime roles their privileges, and serves as the runtime role', async () => {
    for (const module of allSubgraphs) {
      const report = await migrateAsOwner(url, module);
      expect(report).toEqual({ migrations: [], privileges: { applied: true, undeclared: [] } });
    }
    const books = await startTestSubgraph(ledger, url);
    try {
      // A gift of €10 into the bank, booked after the move by the ledger as its runtime role; the chain still verifies.
      const posted = await books.execute<any>(POST_ENTRY, { input: transfer(account('8200'), account('1000'), '10.00') }, steward);
      expect(posted.data?.postEntry.__typename).toBe('PostEntrySuccess');
      const verification = await books.execute<any>(
        `{ _entities(representations: [{ __typename: "Neighbourhood", id: "${SPIJKERKWARTIER}" }]) { ... on Neighbourhood { chainVerification { valid } } } }`,
      );
      expect(verification.data?._entities[0].chainVerification.valid).toBe(true);
    } finally {
      await books.stop();
    }
  });

  it('is left as it is by running provisioning again', async () => {
    const before = await securitySnapshot(url);
    await provisionDatabaseRoles(serverUrl(), { database: names.installed, passwords: testRolePasswords() });
    expect(await securitySnapshot(url)).toEqual(before);
  });
});

it('takes every membership away from the platform\'s roles: a runtime role that is a member of its owner has its powers', async () => {
  // Shown on an owner role: the runtime roles are in use by other tests at this moment, which check they are members of nothing.
  const scratch = `dbwe_test_scratch_${process.pid}`;
  await withClient(serverUrl(), async (c) => {
    await c.query(`CREATE ROLE ${scratch} NOLOGIN`);
    await c.query(`GRANT ${scratch} TO ${ownerRole('impact')}`);
  });
  try {
    await provisionDatabaseRoles(serverUrl(), { database: names.fresh, subgraphs: ['impact'] });
    const { rows } = await withClient(serverUrl(), (c) => c.query(`SELECT count(*)::int AS n FROM pg_auth_members WHERE member = to_regrole($1)`, [ownerRole('impact')]));
    expect(rows).toEqual([{ n: 0 }]);
  } finally {
    await withClient(serverUrl(), (c) => c.query(`DROP ROLE IF EXISTS ${scratch}`));
  }
});
