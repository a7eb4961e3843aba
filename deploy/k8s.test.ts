/**
 * The check on deploy/k8s (there is no cluster in CI): each overlay rendered as Kustomize renders
 * it, every object valid against the Kubernetes OpenAPI schemas (`kubernetes-models`), and every
 * container's environment one that the code reads, with values its own config parser accepts;
 * the security and availability rules of docs/kubernetes.md; and the same checks failing on a
 * deliberately broken copy.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderKustomization, type KubernetesObject } from './k8s-render';
import { parseConfig } from '../platform/src/config';
import { pickDatabaseUrl, pickMigrationDatabaseUrl } from '../platform/src/database';
import { subgraphSettings } from '../platform/src/service';
import { newEd25519KeyPair } from '../platform/src/ed25519';
import { ownerRole, runtimeRole } from '../platform/src/database-roles';
import { GATEWAY_NODE_FLAGS, gatewaySettings, readGatewayConfig, SUBGRAPH_NAMES, type SubgraphName } from '../gateway/src/config';
import { createTokenVerifier } from '../gateway/src/identity';
import { allSubgraphs } from '../test/subgraphs';

const k8s = join(__dirname, 'k8s');
const OVERLAYS = ['small', 'large'] as const;
const SUBGRAPHS: SubgraphName[] = [...SUBGRAPH_NAMES];
const APPS = ['gateway', ...SUBGRAPHS];

/** The secrets an operator creates (docs/kubernetes.md), with values of the right form. */
const keys = Object.fromEntries(['gateway-assertion', ...SUBGRAPHS.map((s) => `${s}-service`)].map((name) => [name, newEd25519KeyPair()]));
const secrets: Record<string, Record<string, string>> = {
  'dbwe-keys': {
    ...Object.fromEntries(Object.entries(keys).flatMap(([name, pair]) => [[`${name}-private-key`, pair.seed], [`${name}-public-key`, pair.publicKey]])),
    'ledger-signing-key': Buffer.alloc(32, 9).toString('base64'),
  },
  'dbwe-database': Object.fromEntries(SUBGRAPHS.flatMap((s) => [[`${s}-runtime-password`, `${s}-runtime-pw`], [`${s}-owner-password`, `${s}-owner-pw`]])),
};

type Container = { name: string; image: string; command?: string[]; env?: EnvVar[]; resources?: { requests?: Record<string, string>; limits?: Record<string, string> }; securityContext?: Record<string, unknown>; readinessProbe?: Probe; livenessProbe?: Probe };
type EnvVar = { name: string; value?: string; valueFrom?: { configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string } } };
type Probe = { httpGet?: { path: string; port: string | number } };
type PodSpec = { containers: Container[]; initContainers?: Container[]; securityContext?: Record<string, unknown>; automountServiceAccountToken?: boolean };

const podSpecOf = (object: KubernetesObject): PodSpec => (object.spec as { template: { spec: PodSpec } }).template.spec;

/** A container's environment as the kubelet gives it: references resolved, $(VAR) expanded from earlier entries. */
function environment(container: Container, objects: KubernetesObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    if (entry.value !== undefined) {
      env[entry.name] = entry.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
    } else if (entry.valueFrom?.configMapKeyRef) {
      const { name, key } = entry.valueFrom.configMapKeyRef;
      const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
      const value = (map?.data as Record<string, string> | undefined)?.[key];
      if (value === undefined) throw new Error(`${container.name}: ${entry.name} names ConfigMap ${name} key ${key}, which the render lacks`);
      env[entry.name] = value;
    } else if (entry.valueFrom?.secretKeyRef) {
      const { name, key } = entry.valueFrom.secretKeyRef;
      const value = secrets[name]?.[key];
      if (value === undefined) throw new Error(`${container.name}: ${entry.name} names secret ${name} key ${key}, which docs/kubernetes.md does not list`);
      env[entry.name] = value;
    } else {
      throw new Error(`${container.name}: ${entry.name} has neither a value nor a reference`);
    }
  }
  return env;
}

/** Variables a container sets that only feed other entries' $(VAR), such as a password that goes into a URL. */
function onlyExpanded(container: Container): Set<string> {
  const used = new Set<string>();
  for (const entry of container.env ?? []) for (const match of (entry.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) used.add(match[1]);
  return used;
}

const ownSettings = (name: string) => allSubgraphs.find((m) => m.name === name)?.services?.settings ?? {};

/** Every rule below, over one render; returns the problems found (none for a good render). */
function problemsOf(objects: KubernetesObject[]): string[] {
  const problems: string[] = [];
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const workload = (name: string) => objects.find((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.name === name);

  for (const name of APPS) {
    const object = workload(name);
    const subgraph = name as SubgraphName;
    if (!object) {
      problems.push(`${name}: no Deployment or StatefulSet`);
      continue;
    }
    const pod = podSpecOf(object);
    const container = pod.containers[0];
    if (pod.automountServiceAccountToken !== false) problems.push(`${name}: mounts a service account token it does not need`);
    if (container.readinessProbe?.httpGet?.path !== '/ready') problems.push(`${name}: readiness is not /ready`);
    if (container.livenessProbe?.httpGet?.path !== '/health') problems.push(`${name}: liveness is not /health`);
    if (!find('HorizontalPodAutoscaler', name)) problems.push(`${name}: no HorizontalPodAutoscaler`);
    if (!find('PodDisruptionBudget', name)) problems.push(`${name}: no PodDisruptionBudget`);
    if (!find('Service', name)) problems.push(`${name}: no Service`);

    const env = environment(container, objects);
    const expanded = onlyExpanded(container);
    const known = new Set(name === 'gateway' ? Object.keys(gatewaySettings) : [...Object.keys(subgraphSettings(subgraph)), ...Object.keys(ownSettings(subgraph))]);
    const unknown = Object.keys(env).filter((v) => !known.has(v) && !expanded.has(v));
    if (unknown.length > 0) problems.push(`${name}: sets ${unknown.join(', ')}, which it does not read`);
    try {
      if (name === 'gateway') {
        const config = readGatewayConfig(env);
        createTokenVerifier(config);
        if (config.NODE_ENV !== 'production') problems.push('gateway: not in production mode');
        for (const subgraph of SUBGRAPHS) {
          const url = new URL(config[`${subgraph.toUpperCase()}_URL` as 'COMMUNITY_URL']);
          if (url.hostname !== subgraph || url.port !== '4000') problems.push(`gateway: ${subgraph} is at ${url}, not its Service`);
        }
        if (JSON.stringify(container.command) !== JSON.stringify(['node', ...GATEWAY_NODE_FLAGS, 'dist/gateway/src/main.js'])) problems.push('gateway: not run with its Node.js flags from dist/');
      } else {
        const config = parseConfig(subgraphSettings(subgraph), env);
        parseConfig(ownSettings(subgraph), env);
        const runtime = new URL(pickDatabaseUrl(subgraph, config));
        if (decodeURIComponent(runtime.username) !== runtimeRole(subgraph)) problems.push(`${name}: serves as ${runtime.username}, not its runtime role`);
        if (pickMigrationDatabaseUrl(subgraph, config) !== null || config.MIGRATE_ON_START) problems.push(`${name}: a serving pod holds owner credentials or migrates`);
        if (JSON.stringify(container.command) !== JSON.stringify(['node', `dist/subgraphs/${name}/src/main.js`])) problems.push(`${name}: does not run its own main.js`);
      }
    } catch (error) {
      problems.push(`${name}: its environment is refused by its config parser: ${(error as Error).message}`);
    }
  }

  const job = find('Job', 'dbwe-migrate');
  if (!job) problems.push('no migration Job');
  else {
    const steps = podSpecOf(job).initContainers ?? [];
    if (JSON.stringify(steps.map((s) => s.name)) !== JSON.stringify(SUBGRAPHS.map((s) => `migrate-${s}`))) problems.push('the migration Job does not migrate every subgraph');
    for (const [i, step] of steps.entries()) {
      const name = SUBGRAPHS[i];
      try {
        const config = parseConfig(subgraphSettings(name), environment(step, objects));
        parseConfig(ownSettings(name), environment(step, objects));
        const owner = pickMigrationDatabaseUrl(name, config);
        if (!config.EXIT_AFTER_MIGRATION || !config.MIGRATE_ON_START || owner === null || decodeURIComponent(new URL(owner).username) !== ownerRole(name)) {
          problems.push(`migrate-${name}: does not migrate as ${ownerRole(name)} and exit`);
        }
      } catch (error) {
        problems.push(`migrate-${name}: refused by its config parser: ${(error as Error).message}`);
      }
    }
  }

  // Non-root, read-only, no privilege, bounded memory: every container of every pod.
  for (const object of objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))) {
    const pod = podSpecOf(object);
    if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${object.metadata.name}: the pod may run as root`);
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      const security = container.securityContext ?? {};
      const at = `${object.metadata.name}/${container.name}`;
      if (security.runAsNonRoot !== true || security.readOnlyRootFilesystem !== true || security.allowPrivilegeEscalation !== false) problems.push(`${at}: not non-root, read-only and unprivileged`);
      if (JSON.stringify((security.capabilities as { drop?: string[] } | undefined)?.drop) !== JSON.stringify(['ALL'])) problems.push(`${at}: keeps Linux capabilities`);
      if (!container.resources?.requests?.cpu || !container.resources?.requests?.memory || !container.resources?.limits?.memory) problems.push(`${at}: no CPU and memory request or no memory limit`);
      for (const entry of container.env ?? []) {
        if (/KEY|PASSWORD|SECRET/.test(entry.name) && !/PUBLIC_KEY$/.test(entry.name) && entry.value !== undefined && !entry.value.includes('$(')) problems.push(`${at}: ${entry.name} is written in the manifest, not referenced`);
      }
    }
  }

  // Who reaches whom.
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  type Rule = { to?: { ipBlock?: { cidr: string }; podSelector?: { matchLabels?: Record<string, string> } }[]; from?: { podSelector?: { matchLabels?: Record<string, string> } }[]; ports?: { port: number }[] };
  type Policy = { podSelector: { matchLabels?: Record<string, string> }; policyTypes: string[]; egress?: Rule[]; ingress?: Rule[] };
  const spec = (o: KubernetesObject) => o.spec as Policy;
  if (!policies.some((p) => Object.keys(spec(p).podSelector).length === 0 && spec(p).policyTypes.includes('Ingress') && spec(p).policyTypes.includes('Egress') && !spec(p).egress && !spec(p).ingress)) {
    problems.push('no default-deny NetworkPolicy');
  }
  const databaseReachers = policies.filter((p) => (spec(p).egress ?? []).some((rule) => (rule.ports ?? []).some((port) => port.port === 5432)));
  const reachers = databaseReachers.map((p) => JSON.stringify(spec(p).podSelector.matchLabels)).sort();
  if (JSON.stringify(reachers) !== JSON.stringify([JSON.stringify({ 'app.kubernetes.io/component': 'subgraph' }), JSON.stringify({ 'app.kubernetes.io/name': 'migrate' })].sort())) {
    problems.push(`the database is reached by ${reachers.join(', ')}, not only the subgraphs and the migration Job`);
  }
  for (const p of policies) {
    for (const rule of spec(p).ingress ?? []) {
      const into = spec(p).podSelector.matchLabels?.['app.kubernetes.io/component'];
      if (into !== 'subgraph' || !(rule.ports ?? []).some((port) => port.port === 4000)) continue;
      const froms = (rule.from ?? []).map((f) => JSON.stringify(f.podSelector?.matchLabels ?? null));
      if (JSON.stringify(froms) !== JSON.stringify([JSON.stringify({ 'app.kubernetes.io/name': 'gateway' })])) problems.push(`${p.metadata.name}: the subgraphs are reached by more than the gateway`);
    }
  }
  return problems;
}

describe.each(OVERLAYS)('deploy/k8s overlay %s', (overlay) => {
  const objects = renderKustomization(join(k8s, 'overlays', overlay));

  test('every object is valid against the Kubernetes OpenAPI schemas (kubernetes-models)', () => {
    expect(objects.length).toBeGreaterThan(20);
    for (const object of objects) expect(() => validateObject(object)).not.toThrow();
  });

  test('the gateway, four subgraphs and the migration Job are there, as the code and docs/kubernetes.md expect', () => {
    expect(problemsOf(objects)).toEqual([]);
  });

  test('everything lands in the overlay namespace with the image of the release', () => {
    for (const object of objects) expect({ name: object.metadata.name, namespace: object.metadata.namespace }).toEqual({ name: object.metadata.name, namespace: 'dbwe' });
    for (const object of objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))) {
      const pod = podSpecOf(object);
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) expect(c.image).toBe('registry.example.org/dbwe/graph:1.2.0');
    }
  });
});

describe('deploy/k8s checks on a deliberately broken copy', () => {
  let copy: string;
  beforeEach(() => {
    copy = mkdtempSync(join(tmpdir(), 'dbwe-k8s-'));
    cpSync(k8s, copy, { recursive: true });
  });
  afterEach(() => rmSync(copy, { recursive: true, force: true }));

  const edit = (file: string, from: string, to: string) => {
    const path = join(copy, 'base', file);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(from);
    writeFileSync(path, text.replace(from, to));
  };
  const render = () => renderKustomization(join(copy, 'overlays', 'small'));

  test('a replica count that is not a number fails the schema check', () => {
    edit('gateway.yaml', 'replicas: 2', 'replicas: two');
    expect(() => render().forEach(validateObject)).toThrow(/replicas must be integer/);
  });

  test('a misspelt setting, a missing readiness probe, a root container and an open database fail the rules', () => {
    edit('projects.yaml', '- name: GRAPH_URL\n', '- name: GRAPH_ULR\n');
    edit('impact.yaml', '          readinessProbe:\n            httpGet: { path: /ready, port: http }', '          readinessProbe:\n            httpGet: { path: /health, port: http }');
    edit('community.yaml', '            readOnlyRootFilesystem: true', '            readOnlyRootFilesystem: false');
    edit('network-policies.yaml', '  egress:\n    - to:\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/component: subgraph', '  egress:\n    - ports:\n        - { protocol: TCP, port: 5432 }\n    - to:\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/component: subgraph');
    const problems = problemsOf(render());
    expect(problems).toEqual(
      expect.arrayContaining([
        'projects: sets GRAPH_ULR, which it does not read',
        'impact: readiness is not /ready',
        'community/community: not non-root, read-only and unprivileged',
        expect.stringMatching(/^the database is reached by .*gateway/),
      ]),
    );
  });

  test('a secret written into the manifest fails the rules', () => {
    edit('gateway.yaml', '            - name: GATEWAY_ASSERTION_PRIVATE_KEY\n              valueFrom:\n                secretKeyRef: { name: dbwe-keys, key: gateway-assertion-private-key }', `            - name: GATEWAY_ASSERTION_PRIVATE_KEY\n              value: ${keys['gateway-assertion'].seed}`);
    expect(problemsOf(render())).toContain('gateway/gateway: GATEWAY_ASSERTION_PRIVATE_KEY is written in the manifest, not referenced');
  });
});

/** Validates one object with the kubernetes-models class of its apiVersion and kind (throws on the first schema error). */
function validateObject(object: KubernetesObject): void {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : [null, object.apiVersion];
  const models = require(`kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`) as Record<string, new (data: unknown) => { validate(): void }>;
  new models[object.kind](object).validate();
}
