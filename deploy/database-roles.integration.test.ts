import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { platformRoles, provisionDatabaseRoles, provisioningScript } from '../platform/src/database-roles';
import { createSuperuserInstallation, dropDatabase, securitySnapshot, TEST_ROLE_PASSWORD, testRolePasswords, withDatabase } from '../platform/testing';
import { allSubgraphs } from '../test/subgraphs';

/*
 * deploy/database-roles.sql is for operators who set databases up with psql.
 * It is generated from the same statements as provisionDatabaseRoles, and
 * run with psql on an installation from before the roles it leaves the same
 * owners and privileges behind as the function does on another.
 */
jest.setTimeout(120_000);

const file = join(__dirname, 'database-roles.sql');
const serverUrl = () => process.env.DBWE_TEST_SERVER_URL!;
const names = { psql: `${process.env.DBWE_TEST_TEMPLATE}_psql_${process.pid}`, code: `${process.env.DBWE_TEST_TEMPLATE}_code_${process.pid}` };
afterAll(async () => {
  for (const name of Object.values(names)) await dropDatabase(serverUrl(), name);
});

it('is what `npm run db:roles -- --sql` prints (regenerate it after changing platform/src/database-roles.ts)', () => {
  expect(readFileSync(file, 'utf8')).toBe(provisioningScript());
});

it('sets an installation up with psql exactly as provisionDatabaseRoles does', async () => {
  const [viaPsql, viaCode] = [
    await createSuperuserInstallation(serverUrl(), names.psql, allSubgraphs),
    await createSuperuserInstallation(serverUrl(), names.code, allSubgraphs),
  ];
  const passwords = platformRoles().flatMap((role) => ['-v', `${role.passwordVariable}=${TEST_ROLE_PASSWORD}`]);
  execFileSync('psql', [withDatabase(serverUrl(), 'postgres'), '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', `database=${names.psql}`, ...passwords, '-f', file], {
    stdio: 'pipe',
  });
  await provisionDatabaseRoles(serverUrl(), { database: names.code, passwords: testRolePasswords() });
  const [afterPsql, afterCode] = [await securitySnapshot(viaPsql), await securitySnapshot(viaCode)];
  expect(afterPsql.filter((l) => l.includes(' owner dbwe_')).length).toBeGreaterThan(100);
  expect(afterPsql).toEqual(afterCode);
});
