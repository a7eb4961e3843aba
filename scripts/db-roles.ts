/**
 * `npm run db:roles -- [--database dbwe] [--sql]`: sets up the platform's
 * database roles, the database and the four schemas (README, "Operations:
 * database roles"), with a superuser's URL in DATABASE_ADMIN_URL. Each role's
 * password comes from <SUBGRAPH>_DATABASE_PASSWORD (the runtime role) and
 * <SUBGRAPH>_MIGRATION_DATABASE_PASSWORD (the owner); a role without one keeps
 * its password. Idempotent. `--sql` prints the same as a psql script
 * (deploy/database-roles.sql) instead.
 */
import { parseArgs } from 'node:util';
import { ConfigError, parseConfig } from '../platform/src/config';
import { platformRoles, provisionDatabaseRoles, provisioningScript, roleProvisioningSettings, SUBGRAPH_SCHEMAS, type PlatformRole } from '../platform/src/database-roles';

const say = (line: string) => process.stdout.write(`[db:roles] ${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { database: { type: 'string' }, sql: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    process.stdout.write('usage: DATABASE_ADMIN_URL=postgres://<superuser>@<host>/postgres npm run db:roles -- [--database dbwe] [--sql]\n');
    return;
  }
  if (values.sql) {
    process.stdout.write(provisioningScript());
    return;
  }
  let config: Record<string, string | undefined>;
  try {
    config = parseConfig(roleProvisioningSettings) as Record<string, string | undefined>;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`db:roles: configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const roles = platformRoles();
  const passwords = Object.fromEntries(roles.map((role) => [role.name, config[role.passwordVariable]]));
  const adminUrl = config.DATABASE_ADMIN_URL!;
  const report = await provisionDatabaseRoles(adminUrl, { database: values.database, passwords });
  say(`database ${report.database}${report.createdDatabase ? ' (created)' : ''}: roles ${report.roles.join(', ')}`);
  // What to give each subgraph, its passwords left as placeholders.
  const server = new URL(adminUrl);
  const url = (role: PlatformRole) => `${server.protocol}//${role.name}:<${role.passwordVariable}>@${server.host}/${report.database}`;
  for (const subgraph of SUBGRAPH_SCHEMAS) {
    const [runtime, owner] = roles.filter((r) => r.subgraph === subgraph);
    say(`${subgraph}: ${subgraph.toUpperCase()}_DATABASE_URL=${url(runtime)} ${subgraph.toUpperCase()}_MIGRATION_DATABASE_URL=${url(owner)}`);
  }
}

main().catch((error) => {
  process.stderr.write(`db:roles: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
