/**
 * Renders a Kustomize directory the way `kustomize build` does, for the fields deploy/k8s uses
 * (there is no kustomize binary in CI): `resources` (files and directories, recursively),
 * `namespace`, `labels` (pairs, on metadata only), `images`, `replicas` and `patches` with a
 * JSON 6902 patch and a target by kind and name (a regular expression, as in Kustomize). Any other
 * field is refused, so a kustomization using one fails here instead of being half-rendered.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: unknown;
  data?: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  namespace?: string;
  labels?: { pairs: Record<string, string> }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { target: { kind?: string; name?: string }; patch: string }[];
}

const KNOWN_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'replicas', 'patches']);

function readYaml(path: string): unknown[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((document) => {
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0].message}`);
    return document.toJS();
  }).filter((value) => value !== null);
}

export function renderKustomization(directory: string): KubernetesObject[] {
  const file = join(directory, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${directory} has no kustomization.yaml`);
  const k = readYaml(file)[0] as Kustomization;
  const unknown = Object.keys(k).filter((field) => !KNOWN_FIELDS.has(field));
  if (unknown.length > 0) throw new Error(`${file}: ${unknown.join(', ')} is not rendered by deploy/k8s-render.ts`);

  let objects: KubernetesObject[] = [];
  for (const resource of k.resources ?? []) {
    const path = join(directory, resource);
    objects.push(...(statSync(path).isDirectory() ? renderKustomization(path) : (readYaml(path) as KubernetesObject[])));
  }
  objects = structuredClone(objects);

  for (const { target, patch } of k.patches ?? []) {
    const named = target.name === undefined ? null : new RegExp(`^(?:${target.name})$`);
    const matched = objects.filter((o) => (target.kind === undefined || o.kind === target.kind) && (named === null || named.test(o.metadata.name)));
    if (matched.length === 0) throw new Error(`${file}: a patch targets ${JSON.stringify(target)}, which matches nothing`);
    const operations = parseAllDocuments(patch)[0].toJS() as { op: string; path: string; value?: unknown }[];
    for (const object of matched) for (const operation of operations) applyOperation(object, operation, file);
  }
  for (const { name, count } of k.replicas ?? []) {
    const matched = objects.filter((o) => o.metadata.name === name && ['Deployment', 'StatefulSet'].includes(o.kind));
    if (matched.length === 0) throw new Error(`${file}: replicas for ${name}, which is no Deployment or StatefulSet`);
    for (const object of matched) (object.spec as { replicas: number }).replicas = count;
  }
  for (const image of k.images ?? []) {
    for (const object of objects) {
      const pod = (object.spec as { template?: { spec?: { containers?: { image: string }[]; initContainers?: { image: string }[] } } } | undefined)?.template?.spec;
      for (const container of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
        const [name, tag] = container.image.split(':');
        if (name !== image.name) continue;
        container.image = `${image.newName ?? name}:${image.newTag ?? tag ?? 'latest'}`;
      }
    }
  }
  for (const { pairs } of k.labels ?? []) for (const object of objects) object.metadata.labels = { ...object.metadata.labels, ...pairs };
  if (k.namespace) for (const object of objects) object.metadata.namespace = k.namespace;
  return objects;
}

/** One JSON Patch (RFC 6902) operation: add, replace or remove, on a JSON Pointer (RFC 6901). */
function applyOperation(object: KubernetesObject, operation: { op: string; path: string; value?: unknown }, file: string): void {
  if (!['add', 'replace', 'remove'].includes(operation.op)) throw new Error(`${file}: the JSON patch op ${operation.op} is not rendered by deploy/k8s-render.ts`);
  const steps = operation.path.split('/').slice(1).map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = steps.pop()!;
  let node: unknown = object;
  for (const step of steps) {
    node = (node as Record<string, unknown>)?.[step];
    if (node === undefined) throw new Error(`${file}: ${operation.path} does not exist in ${object.kind} ${object.metadata.name}`);
  }
  const parent = node as Record<string, unknown> | unknown[];
  if (operation.op !== 'add' && !(last in parent)) throw new Error(`${file}: ${operation.path} does not exist in ${object.kind} ${object.metadata.name}`);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (operation.op === 'add') parent.splice(index, 0, operation.value);
    else if (operation.op === 'replace') parent[index] = operation.value;
    else parent.splice(index, 1);
  } else if (operation.op === 'remove') delete parent[last];
  else parent[last] = operation.value;
}
