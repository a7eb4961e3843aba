/**
 * The compiled result shaping must give exactly what Apollo Gateway's own `computeResponse` gives:
 * the same data with its keys in the same order, the same errors at the same paths. Both walks are
 * run over the operations the benchmark and the README's examples send, plus operations written to
 * reach every corner (aliases, fields merged from fragments, named and inline fragments on unions
 * and interfaces, @skip/@include with variables and literals, aliased __typename, introspection),
 * each against many generated subgraph answers, a share of them broken the ways a subgraph can
 * break them (nulls in non-null fields, unknown __typename, leaves of the wrong type, missing fields).
 */
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Supergraph,
  isCompositeType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  operationFromDocument,
  possibleRuntimeTypes,
  type CompositeType,
  type FieldSelection,
  type Operation,
  type Schema,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import { parse } from 'graphql';
import { ACCOUNT_BALANCE, DASHBOARD, LEDGER_PAGE, MEMBERS_FAN_OUT, POST_ENTRY, PROJECT_DETAIL } from '../../bench/operations';
import { CHECKED_VERSIONS, installResultShaping, installedVersion, shapeResponse, type ShapeInput, type ShapeOutput } from './result-shaping';

const load = createRequire(__filename);
const apolloShaping = load('@apollo/gateway/dist/resultShaping') as { computeResponse: (args: ShapeInput) => ShapeOutput };
const apollo = apolloShaping.computeResponse;
const apiSchema = Supergraph.build(readFileSync(join(__dirname, '../../schema/supergraph.graphql'), 'utf8')).apiSchema();

const CORNERS = /* GraphQL */ `
  query Corners($slug: String!, $withWishes: Boolean!, $skipHead: Boolean = false, $noBooks: Boolean!) {
    kind: __typename
    neighbourhood(slug: $slug) {
      __typename
      name
      label: name
      slug @include(if: true)
      id @skip(if: true)
      ...Head
      chainHead @skip(if: $skipHead) { sequence }
      wishes(first: 3) @include(if: $withWishes) { totalCount edges { node { id title } } }
      ... on Neighbourhood @skip(if: $noBooks) { accounts { code balance { amount unit } } }
    }
  }
  fragment Head on Neighbourhood {
    chainHead { hash sequence }
    t: __typename
  }`;

const UNIONS = /* GraphQL */ `
  mutation Unions($input: PostEntryInput!, $wish: PostWishInput!, $verbose: Boolean!) {
    postEntry(input: $input) {
      __typename
      ... on PostEntrySuccess { entry { id sequence lines { side amount { amount minorUnits unit } } } }
      ... on LedgerError { code message @include(if: $verbose) }
      ... on UnbalancedEntry { code }
      ...Overdrawn
    }
    second: postWish(input: $wish) {
      ... on PostWishSuccess { wish { id title } }
      ... on CommunityError { message }
      kind: __typename
    }
  }
  fragment Overdrawn on Overdraft { message }`;

/** Response names that an ordinary object inherits: they must read as not yet written. */
const PROTOTYPE_NAMES = /* GraphQL */ `
  query PrototypeNames($slug: String!) {
    toString: neighbourhood(slug: $slug) {
      constructor: municipality { valueOf: name }
      hasOwnProperty: name
      isPrototypeOf: cbsBuurtCodes
      propertyIsEnumerable: __typename
      ... on Neighbourhood { toLocaleString: name hasOwnProperty: name }
    }
    valueOf: __schema { queryType { name } }
    constructor: __typename
  }`;

const INTROSPECTION = /* GraphQL */ `
  query Introspected($slug: String!) {
    __schema { queryType { name } }
    about: __type(name: "Neighbourhood") { name }
    neighbourhood(slug: $slug) { name }
  }`;

/** A deterministic PRNG, so a failure names a seed that reproduces it. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Generates a subgraph answer for an operation: mostly well formed, broken at the given rate. */
function answerFor(schema: Schema, operation: Operation, random: () => number, breakRate: number): Record<string, unknown> {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const broken = () => random() < breakRate;

  const leaf = (type: Type): unknown => {
    if (broken()) return pick([1.5, 'x', true, { nested: 1 }, Number.NaN, 2 ** 60]);
    if (isEnumType(type)) return pick(type.values.map((v) => v.name));
    switch (type.toString()) {
      case 'Int':
        return Math.floor(random() * 1000);
      case 'Float':
        return random() * 100;
      case 'Boolean':
        return random() < 0.5;
      case 'ID':
        return random() < 0.8 ? `id-${Math.floor(random() * 1e6)}` : Math.floor(random() * 100);
      default:
        return `v${Math.floor(random() * 1e6)}`;
    }
  };

  const value = (type: Type, selectionSet: SelectionSet | undefined): unknown => {
    if (random() < (isNonNullType(type) ? breakRate : 0.08)) return null;
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) return Array.from({ length: Math.floor(random() * 4) }, () => value(inner.ofType, selectionSet));
    if (isCompositeType(inner)) {
      const possible = isObjectType(inner) ? [inner] : [...possibleRuntimeTypes(inner)];
      const runtime = possible.length > 0 ? pick(possible) : inner;
      const object: Record<string, unknown> = {};
      if (!isObjectType(inner) || random() < 0.3) object.__typename = broken() ? pick(['Nope', 'String']) : runtime.name;
      if (random() < 0.1) object.extra = 'not asked for';
      fill(object, selectionSet!, runtime);
      return object;
    }
    return leaf(inner);
  };

  const fill = (object: Record<string, unknown>, selectionSet: SelectionSet, runtime: CompositeType) => {
    for (const selection of selectionSet.selections()) {
      if (selection.kind === 'FieldSelection') {
        const name = selection.element.responseName();
        if (Object.hasOwn(object, name) || random() < breakRate) continue;
        if (selection.element.name === '__typename') object[name] = broken() ? 'Nope' : runtime.name;
        else if (!selection.element.definition.isSchemaIntrospectionField()) object[name] = value(selection.element.definition.type!, selection.selectionSet);
      } else {
        const condition = selection.element.typeCondition;
        if (!condition || condition.name === runtime.name || random() < 0.3) fill(object, selection.selectionSet, runtime);
      }
    }
  };

  const root = schema.schemaDefinition.rootType(operation.rootKind)!;
  const data: Record<string, unknown> = {};
  fill(data, operation.selectionSet, root);
  return data;
}

const booleanVariables = (operation: Operation, random: () => number) =>
  Object.fromEntries(
    operation.variableDefinitions
      .definitions()
      .filter((d) => d.variable.name && d.type.toString().startsWith('Boolean') && random() < 0.8)
      .map((d) => [d.variable.name, random() < 0.5]),
  );

const introspectionHandling = (selection: FieldSelection) => ({ introspected: selection.element.responseName() });

/** Both results as JSON text: key order, nulls and errors compared exactly. */
function both(args: ShapeInput): [string, string] {
  const show = (result: ShapeOutput) =>
    JSON.stringify({ data: result.data, errors: result.errors.map((e) => ({ message: e.message, path: e.path, code: e.extensions.code })) });
  const run = (shape: (a: ShapeInput) => ShapeOutput) => {
    try {
      return show(shape(args));
    } catch (error) {
      return `threw: ${(error as Error).message}`;
    }
  };
  return [run((a) => shapeResponse(apollo, a)), run(apollo)];
}

const corpus: Record<string, string> = {
  dashboard: DASHBOARD,
  'ledger page': LEDGER_PAGE,
  'project detail': PROJECT_DETAIL,
  'members fan-out': MEMBERS_FAN_OUT,
  'account balance': ACCOUNT_BALANCE,
  'post entry': POST_ENTRY,
  corners: CORNERS,
  unions: UNIONS,
  introspection: INTROSPECTION,
  'prototype names': PROTOTYPE_NAMES,
};

describe('compiled result shaping', () => {
  for (const [name, query] of Object.entries(corpus)) {
    it(`gives what Apollo gives for ${name}, on well-formed and broken answers`, () => {
      const operation = operationFromDocument(apiSchema, parse(query), { validate: true });
      let withErrors = 0;
      for (let seed = 1; seed <= 400; seed++) {
        const random = prng(seed);
        const breakRate = seed % 4 === 0 ? 0 : seed % 4 === 1 ? 0.01 : 0.08;
        const args: ShapeInput = {
          operation,
          variables: booleanVariables(operation, random),
          input: answerFor(apiSchema, operation, random, breakRate),
          introspectionHandling,
        };
        const [ours, theirs] = both(args);
        if (ours !== theirs) throw new Error(`${name}, seed ${seed}:\nours:   ${ours}\napollo: ${theirs}`);
        if (theirs.includes('"message"') || theirs.startsWith('threw')) withErrors++;
      }
      // The generator must reach the error paths too, or the comparison proves little.
      expect(withErrors).toBeGreaterThan(20);
      expect(withErrors).toBeLessThan(400);
    });
  }

  it('keeps a shaped response free of prototype tricks: a __proto__ alias goes to Apollo', () => {
    const operation = operationFromDocument(apiSchema, parse('{ neighbourhood(slug: "x") { __proto__: name } }'), { validate: true });
    const input = JSON.parse('{"neighbourhood": {"__proto__": "Spijkerkwartier"}}');
    const [ours, theirs] = both({ operation, variables: {}, input, introspectionHandling });
    expect(ours).toBe(theirs);
    expect(JSON.parse(ours).data.neighbourhood.__proto__).toBe('Spijkerkwartier');
  });

  it('answers an empty input as Apollo does', () => {
    const operation = operationFromDocument(apiSchema, parse('{ neighbourhood(slug: "x") { name } }'), { validate: true });
    expect(shapeResponse(apollo, { operation, input: undefined, introspectionHandling })).toEqual({ data: undefined, errors: [] });
  });

  it('is installed in place of Apollo’s, for the checked versions only', () => {
    for (const [name, version] of Object.entries(CHECKED_VERSIONS)) {
      // An upgrade must be compared again (this file) before CHECKED_VERSIONS moves with it.
      expect(`${name}@${(load(`${name}/package.json`) as { version: string }).version}`).toBe(`${name}@${version}`);
    }
    expect(installResultShaping()).toBe(true);
    expect(apolloShaping.computeResponse).not.toBe(apollo);
    const operations = load('@apollo/federation-internals/dist/operations') as { operationFromDocument: typeof operationFromDocument };
    const document = parse('query Q { neighbourhood(slug: "x") { name } }');
    const first = operations.operationFromDocument(apiSchema, document, { validate: false });
    // The executor's call with the same parsed operation gets the same Operation back; validation calls are never kept.
    expect(operations.operationFromDocument(apiSchema, { ...document }, { validate: false })).toBe(first);
    expect(operations.operationFromDocument(apiSchema, document, { operationName: 'Q' })).not.toBe(first);
    expect(operations.operationFromDocument(apiSchema, parse('query Q { neighbourhood(slug: "x") { name } }'), { validate: false })).not.toBe(first);
  });
});

describe('the installed version of a package', () => {
  const root = mkdtempSync(join(tmpdir(), 'dbwe-versions-'));
  const pkg = join(root, 'node_modules', 'sealed-package');
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  // An exports map that does not list package.json, so require('sealed-package/package.json') is refused.
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'sealed-package', version: '2.14.4', exports: { '.': './dist/index.js' } }));
  writeFileSync(join(pkg, 'dist', 'index.js'), 'module.exports = {};');
  const load = createRequire(join(root, 'index.js'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is read through the entry point when the exports map hides package.json', () => {
    expect(() => load('sealed-package/package.json')).toThrow();
    expect(installedVersion(load, 'sealed-package')).toBe('2.14.4');
  });

  it('is unknown, without throwing, for a package that is not installed', () => {
    expect(installedVersion(load, 'not-installed-anywhere')).toBeNull();
  });

  it('is the real version for the Apollo packages the shaping was checked against', () => {
    const ours = createRequire(__filename);
    for (const [name, version] of Object.entries(CHECKED_VERSIONS)) expect(installedVersion(ours, name)).toBe(version);
  });
});
