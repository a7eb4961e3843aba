/**
 * The breaking-change check of the public API: what changed between the last released schema
 * (the newest schema/released/<version>.graphql) and schema/api.graphql, by graphql-inspector, and
 * which of the breaking changes are allowed: only those of an element the released schema had
 * already marked `@deprecated` (a field, an argument, an input field, an enum value, or something
 * inside one). docs/schema-changelog.md says how to release and how to deprecate.
 *
 *   npm run schema:check               fails on a breaking change not preceded by @deprecated
 *   npm run schema:release -- 1.1.0    records schema/api.graphql as release 1.1.0
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLSchema,
} from 'graphql';
import { ChangeType, CriticalityLevel, diff, type Change } from '@graphql-inspector/core';

export const RELEASED_DIR = join(__dirname, 'released');
const API_PATH = join(__dirname, 'api.graphql');
export const CHANGELOG = 'docs/schema-changelog.md';

/** Release versions are semantic versions (major.minor.patch), compared as numbers. */
const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

export function releasedVersions(dir = RELEASED_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((file) => file.replace(/\.graphql$/, ''))
    .filter((version) => VERSION.test(version))
    .sort(byVersion);
}

export function byVersion(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.match(VERSION)!.slice(1).map(Number));
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

export function lastRelease(dir = RELEASED_DIR): { version: string; sdl: string } | null {
  const version = releasedVersions(dir).at(-1);
  return version ? { version, sdl: readFileSync(join(dir, `${version}.graphql`), 'utf8') } : null;
}

/**
 * Whether the element a change's path names, or one it sits in, was deprecated in the released
 * schema: `Type.field`, `Type.field.argument`, `Input.field`, `Enum.VALUE`.
 */
function deprecatedInRelease(released: GraphQLSchema, path: string | undefined): boolean {
  if (!path) return false;
  const [typeName, member, argument] = path.split('.');
  const type = released.getType(typeName);
  if (!type || member === undefined) return false;
  if (isObjectType(type) || isInterfaceType(type)) {
    const field = type.getFields()[member];
    if (!field) return false;
    if (field.deprecationReason != null) return true;
    return argument !== undefined && field.args.find((a) => a.name === argument)?.deprecationReason != null;
  }
  if (isInputObjectType(type)) return type.getFields()[member]?.deprecationReason != null;
  if (isEnumType(type)) return type.getValue(member)?.deprecationReason != null;
  return false;
}

/**
 * A removed type could only be reached through deprecated elements: every field, argument and
 * input field of the released schema whose type it was is deprecated (or sits in a deprecated field).
 */
function reachableOnlyThroughDeprecated(released: GraphQLSchema, typeName: string): boolean {
  let uses = 0;
  for (const type of Object.values(released.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (getNamedType(field.type).name === typeName) {
          uses++;
          if (field.deprecationReason == null) return false;
        }
        for (const arg of field.args) {
          if (getNamedType(arg.type).name === typeName) {
            uses++;
            if (field.deprecationReason == null && arg.deprecationReason == null) return false;
          }
        }
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (getNamedType(field.type).name === typeName) {
          uses++;
          if (field.deprecationReason == null) return false;
        }
      }
    }
  }
  return uses > 0;
}

/** Every deprecated element of a schema, as `Type.field`, `Type.field.argument`, `Input.field`, `Enum.VALUE`. */
export function deprecatedElements(sdl: string): string[] {
  const schema = buildSchema(sdl);
  const found: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (field.deprecationReason != null) found.push(`${type.name}.${field.name}`);
        for (const arg of field.args) if (arg.deprecationReason != null) found.push(`${type.name}.${field.name}.${arg.name}`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (field.deprecationReason != null) found.push(`${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) if (value.deprecationReason != null) found.push(`${type.name}.${value.name}`);
    }
  }
  return found.sort();
}

export interface SchemaComparison {
  /** Every change graphql-inspector finds, in its order. */
  changes: Change[];
  /** Breaking changes of elements the released schema had not deprecated: the check fails on these. */
  refused: Change[];
  /** Breaking changes of elements that were deprecated in the released schema. */
  allowed: Change[];
}

export async function compareSchemas(releasedSdl: string, currentSdl: string): Promise<SchemaComparison> {
  const released = buildSchema(releasedSdl);
  const current = buildSchema(currentSdl);
  const changes = await diff(released, current);
  const breaking = changes.filter((change) => change.criticality.level === CriticalityLevel.Breaking);
  const isAllowed = (change: Change) =>
    deprecatedInRelease(released, change.path) ||
    (change.type === ChangeType.TypeRemoved && change.path !== undefined && reachableOnlyThroughDeprecated(released, change.path));
  return { changes, refused: breaking.filter((c) => !isAllowed(c)), allowed: breaking.filter(isAllowed) };
}

/** The check's report, for people: what breaks clients and what to do instead. */
export function describeRefusals(version: string, refused: Change[]): string {
  return [
    `${refused.length} breaking change(s) since release ${version} of the public API (schema/released/${version}.graphql), none of them @deprecated there:`,
    ...refused.map((c) => `  - ${c.message}${c.path ? ` (${c.path})` : ''}`),
    'Clients built against the release would break. Keep the element and mark it @deprecated(reason: "Use … instead."),',
    `release that, and remove it only in a later release; see ${CHANGELOG}.`,
  ].join('\n');
}

async function main(args: string[]): Promise<number> {
  const current = readFileSync(API_PATH, 'utf8');
  if (args[0] === 'release') {
    const version = args[1] ?? '';
    if (!VERSION.test(version)) {
      console.error('usage: npm run schema:release -- <major.minor.patch>');
      return 2;
    }
    const last = lastRelease();
    if (releasedVersions().includes(version)) {
      console.error(`release ${version} exists already: schema/released/${version}.graphql`);
      return 1;
    }
    if (last && byVersion(version, last.version) < 0) {
      console.error(`release ${version} is not after the last release, ${last.version}`);
      return 1;
    }
    if (last) {
      const { refused } = await compareSchemas(last.sdl, current);
      if (refused.length > 0) {
        console.error(describeRefusals(last.version, refused));
        return 1;
      }
    }
    writeFileSync(join(RELEASED_DIR, `${version}.graphql`), current);
    console.log(`wrote schema/released/${version}.graphql; add its section to ${CHANGELOG}`);
    return 0;
  }
  const last = lastRelease();
  if (!last) {
    console.error('no released schema in schema/released/');
    return 1;
  }
  const { changes, refused, allowed } = await compareSchemas(last.sdl, current);
  if (args[0] === 'changes') {
    for (const change of changes) console.log(`${change.criticality.level.padEnd(12)} ${change.message}`);
  }
  if (refused.length > 0) {
    console.error(describeRefusals(last.version, refused));
    return 1;
  }
  console.log(`no breaking change since release ${last.version} (${changes.length} change(s), ${allowed.length} removal(s) of deprecated elements)`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
