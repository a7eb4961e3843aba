/**
 * `npm run neighbourhood -- <command>`: onboarding from the command line, for a new installation
 * that has no platform admin to sign in as yet (docs/onboarding.md). It runs the same onboarding
 * code as the `onboardNeighbourhood` mutation, in-process, against the database as the owner of
 * the community schema; the running community service relays the events it records.
 *
 * Which database: COMMUNITY_MIGRATION_DATABASE_URL (the community owner's), else DATABASE_URL,
 * else the embedded PostgreSQL that `npm start` runs (its port EMBEDDED_POSTGRES_PORT, default
 * 54329; the owner's password from the secrets file in DBWE_DATA_DIR, default .data/).
 */
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GraphQLError } from 'graphql';
import { createDataSource, createRecorder, describeDatabaseError, isUuid, ownerRole, withCredentials } from '@dbwe/platform';
import { community } from '../subgraphs/community/src/server';
import { communityEvents, type Audit } from '../subgraphs/community/src/events';
import { insertGrant, onboardNeighbourhood } from '../subgraphs/community/src/onboarding/onboarding.commands';
import { isUniqueViolation } from '../subgraphs/community/src/members/member.commands';
import type { MemberDomain, MemberKind } from '../subgraphs/community/src/members/member.entity';
import type { CommunityError } from '../subgraphs/community/src/community-errors';
import { DATA_DIR } from './local-env';

const usage = `usage:
  npm run neighbourhood -- create --municipality GM0268 [--municipality-name Nijmegen] --name "Nijmegen-Oost" --slug nijmegen-oost
      [--description "..."] [--wijk WK026801] [--buurt BU02680100,BU02680101] [--poll-points 100]
      --admin-id <uuid> --admin-name "<display name>" --admin-full-name "<full name>" [--admin-email <email>]
      [--admin-kind PERSON|ORGANISATION] [--admin-domain CITIZEN|GOVERNMENT|ENTREPRENEUR|EDUCATION_SCIENCE]
      --reason "<why, for the audit trail>" [--actor <uuid>]
  npm run neighbourhood -- grant-platform-admin --member <uuid> --reason "<why>" [--actor <uuid>]
  npm run neighbourhood -- list

create registers the municipality too when it is missing and --municipality-name is given.
The admin id is the identity's token subject (npm run token -- --member <uuid> signs one locally).`;

const KINDS: readonly MemberKind[] = ['PERSON', 'ORGANISATION'];
const DOMAINS: readonly MemberDomain[] = ['CITIZEN', 'GOVERNMENT', 'ENTREPRENEUR', 'EDUCATION_SCIENCE'];

const out = (line: string) => process.stdout.write(`${line}\n`);
const refuse = (lines: string[]): never => {
  for (const line of lines) process.stderr.write(`neighbourhood: ${line}\n`);
  process.exit(1);
};

/** The URL to reach the community schema as its owner; refuses when there is no installation to reach. */
function databaseUrl(): string {
  const explicit = process.env.COMMUNITY_MIGRATION_DATABASE_URL ?? process.env.DATABASE_URL;
  if (explicit) return explicit;
  const secretsFile = join(DATA_DIR, 'secrets.json');
  if (!existsSync(secretsFile)) {
    return refuse([`no DATABASE_URL and no local installation in ${DATA_DIR} (${secretsFile} is missing): run npm start first, or set DATABASE_URL`]);
  }
  const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as { DATABASE_PASSWORDS?: Record<string, string> };
  const owner = ownerRole('community');
  const password = secrets.DATABASE_PASSWORDS?.[owner];
  if (!password) return refuse([`${secretsFile} holds no password for ${owner}: start the platform once with npm start`]);
  const port = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329);
  return withCredentials(`postgres://127.0.0.1:${port}/dbwe`, owner, password);
}

async function withDatabase<T>(fn: (db: import('typeorm').DataSource) => Promise<T>): Promise<T> {
  const url = databaseUrl();
  const db = createDataSource({ url, schema: 'community', entities: community.entities, migrations: [], poolSize: 2, applicationName: 'neighbourhood-cli' });
  try {
    await db.initialize();
  } catch (error) {
    return refuse([`cannot reach the database: ${describeDatabaseError(url, error)} (is npm start running?)`]);
  }
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

const recorder = () => createRecorder('community', communityEvents.emits, true);

function describe(error: CommunityError): string {
  return error.field ? `${error.field}: ${error.message} (${error.code})` : `${error.message} (${error.code})`;
}

function optionalActor(value: string | undefined, problems: string[]): string | null {
  if (value === undefined) return null;
  if (!isUuid(value)) problems.push('--actor must be a UUID (the identity acting)');
  return value.toLowerCase();
}

async function create(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      municipality: { type: 'string' },
      'municipality-name': { type: 'string' },
      name: { type: 'string' },
      slug: { type: 'string' },
      description: { type: 'string' },
      wijk: { type: 'string' },
      buurt: { type: 'string' },
      'poll-points': { type: 'string' },
      'admin-id': { type: 'string' },
      'admin-name': { type: 'string' },
      'admin-full-name': { type: 'string' },
      'admin-email': { type: 'string' },
      'admin-kind': { type: 'string', default: 'PERSON' },
      'admin-domain': { type: 'string', default: 'CITIZEN' },
      reason: { type: 'string' },
      actor: { type: 'string' },
    },
  });
  const problems: string[] = [];
  for (const required of ['municipality', 'name', 'slug', 'admin-id', 'admin-name', 'admin-full-name', 'reason'] as const) {
    if (values[required] === undefined) problems.push(`--${required} is required`);
  }
  if (values['admin-id'] !== undefined && !isUuid(values['admin-id'])) problems.push('--admin-id must be a UUID (the identity\'s token subject)');
  if (!KINDS.includes(values['admin-kind'] as MemberKind)) problems.push(`--admin-kind must be one of ${KINDS.join(', ')}`);
  if (!DOMAINS.includes(values['admin-domain'] as MemberDomain)) problems.push(`--admin-domain must be one of ${DOMAINS.join(', ')}`);
  const pollPoints = values['poll-points'] === undefined ? null : Number(values['poll-points']);
  if (pollPoints !== null && !Number.isInteger(pollPoints)) problems.push('--poll-points must be a whole number');
  const actorId = optionalActor(values.actor, problems);
  if (problems.length > 0) refuse([...problems, 'see npm run neighbourhood -- --help']);

  const outcome = await withDatabase((db) =>
    onboardNeighbourhood(
      db,
      {
        municipalityCode: values.municipality!,
        name: values.name!,
        slug: values.slug!,
        description: values.description ?? null,
        cbsWijkCode: values.wijk ?? null,
        cbsBuurtCodes: values.buurt === undefined ? [] : values.buurt.split(',').filter((code) => code.trim() !== ''),
        pollPointsBudget: pollPoints,
        chartTemplate: null,
        firstAdmin: {
          memberId: values['admin-id']!,
          displayName: values['admin-name']!,
          kind: values['admin-kind'] as MemberKind,
          domain: values['admin-domain'] as MemberDomain,
          fullName: values['admin-full-name']!,
          email: values['admin-email'] ?? null,
        },
        reason: values.reason!,
      },
      actorId,
      recorder(),
      values['municipality-name'] === undefined ? {} : { registerMunicipalityAs: values['municipality-name'] },
    ),
  );
  if (!outcome.ok) {
    const hint = outcome.error.code === 'MUNICIPALITY_NOT_FOUND' ? ['give --municipality-name to register the municipality in the same step'] : [];
    refuse([`refused: ${describe(outcome.error)}`, ...hint]);
    return;
  }
  const { neighbourhood, themes, firstAdmin, firstAdminGrantId, registeredMunicipality } = outcome.value;
  if (registeredMunicipality) out(`municipality ${neighbourhood.municipalityCode} (${neighbourhood.municipalityName}) registered`);
  out(`neighbourhood ${neighbourhood.slug} onboarded`);
  out(`neighbourhood id: ${neighbourhood.id}`);
  out(`themes: ${themes.map((t) => t.slug).join(', ')}`);
  out(`first admin: ${firstAdmin.id} (member of ${neighbourhood.slug}, admin grant ${firstAdminGrantId})`);
}

async function grantPlatformAdmin(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { member: { type: 'string' }, reason: { type: 'string' }, actor: { type: 'string' } } });
  const problems: string[] = [];
  if (values.member === undefined) problems.push('--member is required');
  else if (!isUuid(values.member)) problems.push('--member must be a UUID (the identity\'s token subject)');
  if (values.reason === undefined || values.reason.trim() === '') problems.push('--reason is required');
  else if ([...values.reason.trim()].length > 500) problems.push('--reason may be at most 500 characters long');
  const actorId = optionalActor(values.actor, problems);
  if (problems.length > 0) refuse(problems);

  const memberId = values.member!.toLowerCase();
  const audit: Audit = { actorId, role: 'admin', reason: values.reason!.trim(), public: true };
  const grantId = await withDatabase(async (db) => {
    try {
      return await db.transaction(async (tx) => (await insertGrant(tx, { memberId, role: 'ADMIN', scope: 'PLATFORM', neighbourhoodId: null, municipalityCode: null }, audit, recorder())).id);
    } catch (error) {
      if (isUniqueViolation(error, 'role_grant_held')) return refuse([`refused: ${memberId} is a platform admin already`]);
      throw error;
    }
  });
  out(`platform admin granted to ${memberId} (grant ${grantId})`);
}

async function list(): Promise<void> {
  await withDatabase(async (db) => {
    const rows: { code: string; municipality: string; id: string | null; slug: string | null; name: string | null; members: number }[] = await db.query(
      `SELECT m.code, m.name AS municipality, n.id, n.slug, n.name,
              (SELECT count(*) FROM community.member WHERE neighbourhood_id = n.id AND erased_at IS NULL)::int AS members
         FROM community.municipality m LEFT JOIN community.neighbourhood n ON n.municipality_code = m.code
        ORDER BY m.name, m.code, n.name, n.id`,
    );
    const admins: { member_id: string }[] = await db.query(`SELECT member_id FROM community.role_grant WHERE scope = 'PLATFORM' AND revoked_at IS NULL ORDER BY granted_at`);
    let current: string | null = null;
    for (const row of rows) {
      if (row.code !== current) out(`${row.code} ${row.municipality}`);
      current = row.code;
      if (row.id !== null) out(`  ${row.slug}\t${row.id}\t${row.name}\t${row.members} member(s)`);
    }
    out(`platform admins: ${admins.length === 0 ? 'none (npm run neighbourhood -- grant-platform-admin)' : admins.map((a) => a.member_id).join(', ')}`);
  });
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (command === undefined || command === '--help' || command === 'help') {
    out(usage);
    return void process.exit(command === undefined ? 1 : 0);
  }
  const commands: Record<string, (args: string[]) => Promise<void>> = { create, 'grant-platform-admin': grantPlatformAdmin, list };
  const run = commands[command];
  if (!run) refuse([`unknown command "${command}"`, usage]);
  try {
    await run(args);
  } catch (error) {
    // parseArgs refuses unknown or malformed options; badInput() refuses ids the checks above did not.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') || error instanceof GraphQLError) refuse([(error as Error).message]);
    throw error;
  }
}

main().catch((error) => {
  process.stderr.write(`neighbourhood: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
