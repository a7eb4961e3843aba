/**
 * Apollo Gateway's result shaping, compiled once per operation instead of re-read for every value.
 *
 * After a query plan's fetches, Apollo Gateway walks the merged subgraph data against the client's
 * operation (`computeResponse`, @apollo/gateway/dist/resultShaping.js): it keeps the fields the
 * client asked for under their aliases, applies @skip/@include and type conditions, checks every
 * leaf value against its type and bubbles nulls up to the nearest nullable field. It also rebuilds
 * the operation as a federation `Operation` for every request (`operationFromDocument`). On a page
 * of 50 ledger entries with their lines that walk was the largest share of the gateway's CPU
 * (bench/FINDINGS.md §7): for each of thousands of values it asked the operation's selection for
 * its directives, names and types again.
 *
 * `installResultShaping()` puts two things in Apollo's place, with the same results and errors:
 * - the `Operation` built for a request is kept per parsed operation (Apollo Server already keeps
 *   the parsed document per query text), so a repeated query does not rebuild it;
 * - the walk runs from steps compiled once per selection set and parent type: response name,
 *   conditions, the field's type unwrapped into a chain, a leaf check chosen for the leaf's type.
 *
 * It replaces two module exports of Apollo's packages, so it is tied to the versions it was checked
 * against: with any other version it installs nothing and Apollo's own code runs
 * (`result-shaping.test.ts` compares both walks value for value, errors included).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as federation from '@apollo/federation-internals';
import type {
  CompositeType,
  EnumType,
  FieldSelection,
  NamedType,
  Operation,
  ScalarType,
  Schema,
  Selection,
  SelectionSet,
  Type,
} from '@apollo/federation-internals';
import type { DocumentNode, FragmentDefinitionNode, GraphQLError, OperationDefinitionNode } from 'graphql';

/** The versions whose internals this module was compared against. */
export const CHECKED_VERSIONS = { '@apollo/gateway': '2.14.4', '@apollo/federation-internals': '2.14.4' } as const;

// Read once: every access through the package's index goes through a re-export getter.
const {
  ERRORS,
  Variable,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  isValidLeafValue,
  typenameFieldName,
} = federation;
const assert: (condition: unknown, message: string | (() => string)) => asserts condition = federation.assert;

type Json = Record<string, unknown>;
type Path = Array<string | number>;

/** What Apollo's `computeResponse` is given. */
export interface ShapeInput {
  operation: Operation;
  variables?: Record<string, unknown>;
  input: Json | null | undefined;
  introspectionHandling: (selection: FieldSelection) => unknown;
}

export interface ShapeOutput {
  data: Json | null | undefined;
  errors: GraphQLError[];
}

/** A @skip/@include argument: a constant, or the name of the variable that holds it. */
type Condition = boolean | string | undefined;

/** A field's type, unwrapped once: what to do with a value at each level. */
type Shape =
  | { kind: 'nonNull'; of: Shape; ofType: Type; hasSelection: boolean }
  | { kind: 'list'; of: Shape; type: Type; hasSelection: boolean }
  | { kind: 'composite'; type: CompositeType; selectionSet: SelectionSet | undefined; hasSelection: boolean }
  | { kind: 'leaf'; type: ScalarType | EnumType; obviouslyValid: (value: unknown) => boolean; hasSelection: boolean };

type Step =
  | { kind: 'field'; skip: Condition; include: Condition; responseName: string; shape: Shape }
  | { kind: 'typename'; skip: Condition; include: Condition; responseName: string }
  | { kind: 'introspection'; skip: Condition; include: Condition; responseName: string; selection: FieldSelection }
  | {
      kind: 'fragment';
      skip: Condition;
      include: Condition;
      typeCondition: CompositeType | undefined;
      selectionSet: SelectionSet;
      /** Whether the type condition applies, per `__typename` seen ('' when there is none). */
      applies: Map<string, boolean>;
    };

/** Flags a value's completion leaves for its caller (Apollo returns them in an object per value). */
const INVALID = 1;
const HAS_ERRORS = 2;

interface Run {
  schema: Schema;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  introspectionHandling: (selection: FieldSelection) => unknown;
  path: Path;
  flags: number;
}

/**
 * Compiled steps per selection set, then per parent type name: the steps themselves do not depend on
 * the parent, but a fragment's memo does when the object has no `__typename` (the parent decides).
 */
const stepsBySelectionSet = new WeakMap<SelectionSet, Map<string, Step[]>>();

function conditionOf(selection: Selection, schema: Schema, name: 'skip' | 'include'): Condition {
  const directive = selection.element.appliedDirectivesOf(name === 'skip' ? schema.skipDirective() : schema.includeDirective())[0];
  if (!directive) return undefined;
  const value = directive.arguments().if as unknown;
  return value instanceof Variable ? value.name : (value as boolean);
}

function conditionValue(condition: string | boolean, variables: Record<string, unknown>, directive: string): boolean {
  if (typeof condition === 'boolean') return condition;
  const value = variables[condition];
  assert(typeof value === 'boolean', () => `Unexpected value ${value} for variable $${condition} of @${directive}(if: $${condition})`);
  return value;
}

function skipped(step: Step, variables: Record<string, unknown>): boolean {
  return (
    (step.skip !== undefined && conditionValue(step.skip, variables, 'skip')) ||
    (step.include !== undefined && !conditionValue(step.include, variables, 'include'))
  );
}

function leafCheck(schema: Schema, type: Type): (value: unknown) => boolean {
  if (isCustomScalarType(type)) return () => true;
  if (type === schema.stringType() || type === schema.idType()) return (value) => typeof value === 'string';
  if (type === schema.booleanType()) return (value) => typeof value === 'boolean';
  if (isEnumType(type)) {
    const names = new Set(type.values.map((v) => v.name));
    return (value) => typeof value === 'string' && names.has(value);
  }
  // Int and Float: the exact rule (finite, integer-looking for Int) is left to Apollo's check.
  return () => false;
}

function shapeOf(schema: Schema, type: Type, selectionSet: SelectionSet | undefined): Shape {
  const hasSelection = selectionSet !== undefined;
  if (isNonNullType(type)) return { kind: 'nonNull', of: shapeOf(schema, type.ofType, selectionSet), ofType: type.ofType, hasSelection };
  if (isListType(type)) return { kind: 'list', of: shapeOf(schema, type.ofType, selectionSet), type, hasSelection };
  if (isCompositeType(type)) return { kind: 'composite', type, selectionSet, hasSelection };
  return { kind: 'leaf', type: type as ScalarType | EnumType, obviouslyValid: leafCheck(schema, type), hasSelection };
}

function compile(schema: Schema, selectionSet: SelectionSet): Step[] {
  return selectionSet.selections().map((selection): Step => {
    const skip = conditionOf(selection, schema, 'skip');
    const include = conditionOf(selection, schema, 'include');
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      const responseName = field.responseName();
      if (field.definition.isSchemaIntrospectionField()) return { kind: 'introspection', skip, include, responseName, selection };
      if (field.name === typenameFieldName) return { kind: 'typename', skip, include, responseName };
      return { kind: 'field', skip, include, responseName, shape: shapeOf(schema, field.definition.type!, selection.selectionSet) };
    }
    return { kind: 'fragment', skip, include, typeCondition: selection.element.typeCondition, selectionSet: selection.selectionSet, applies: new Map() };
  });
}

function stepsFor(schema: Schema, selectionSet: SelectionSet, parentType: NamedType): Step[] {
  let byParent = stepsBySelectionSet.get(selectionSet);
  if (!byParent) stepsBySelectionSet.set(selectionSet, (byParent = new Map()));
  let steps = byParent.get(parentType.name);
  if (!steps) byParent.set(parentType.name, (steps = compile(schema, selectionSet)));
  return steps;
}

/** Response names are written into plain objects; one that would reach the prototype is left to Apollo. */
function hasUnsafeResponseName(selectionSet: SelectionSet): boolean {
  return selectionSet.selections().some((selection) =>
    selection.kind === 'FieldSelection'
      ? selection.element.responseName() === '__proto__' || (selection.selectionSet !== undefined && hasUnsafeResponseName(selection.selectionSet))
      : hasUnsafeResponseName(selection.selectionSet),
  );
}
const safeOperations = new WeakMap<Operation, boolean>();

function describe(path: Path, currentType: Type, parentType: NamedType): string {
  const element = path[path.length - 1];
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${currentType} at index ${element}`;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Output objects are plain objects (Apollo's have no prototype): a response name such as `toString`
 * or `constructor` must read as not yet written, not as the inherited function.
 */
const ownValue = (object: Json, name: string): unknown => (hasOwn.call(object, name) ? object[name] : undefined);

/** Applies a selection set to one object; true when a null must bubble up past it. */
function applySteps(input: Json, steps: Step[], output: Json, run: Run, parentType: NamedType): boolean {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if ((step.skip !== undefined || step.include !== undefined) && skipped(step, run.variables)) continue;
    switch (step.kind) {
      case 'field': {
        const name = step.responseName;
        const inputValue = hasOwn.call(input, name) ? (input[name] ?? null) : null;
        run.path.push(name);
        output[name] = complete(ownValue(output, name), step.shape, inputValue, run, parentType);
        run.path.pop();
        if (run.flags & INVALID) return true;
        break;
      }
      case 'typename': {
        const name = step.responseName;
        if (ownValue(output, name) !== undefined) break;
        let value = hasOwn.call(input, name) ? (input[name] ?? null) : null;
        if (value === null && name !== typenameFieldName) value = input[typenameFieldName] ?? null;
        const type = typeof value === 'string' ? (run.schema.type(value) ?? parentType) : parentType;
        if (!isObjectType(type)) return true;
        output[name] = type.name;
        break;
      }
      case 'introspection':
        if (ownValue(output, step.responseName) === undefined) output[step.responseName] = run.introspectionHandling(step.selection);
        break;
      case 'fragment': {
        const typename = input[typenameFieldName];
        assert(!typename || typeof typename === 'string', () => `Got unexpected value for __typename: ${typename}`);
        const key = (typename as string | undefined) || '';
        let applies = step.applies.get(key);
        if (applies === undefined) {
          if (!step.typeCondition) applies = true;
          else if (key) {
            const type = run.schema.type(key);
            applies = !!type && isSubtype(step.typeCondition, type);
          } else applies = isSubtype(step.typeCondition, parentType as CompositeType);
          step.applies.set(key, applies);
        }
        if (!applies) break;
        const next = step.typeCondition ?? parentType;
        if (applySteps(input, stepsFor(run.schema, step.selectionSet, next), output, run, next)) return true;
        break;
      }
    }
  }
  return false;
}

/** One value against its field's type; leaves INVALID / HAS_ERRORS in run.flags as Apollo's updateOutputValue returns them. */
function complete(outputValue: unknown, shape: Shape, inputValue: unknown, run: Run, parentType: NamedType): unknown {
  assert(inputValue !== undefined, 'Should not pass undefined for `inputValue` to this method');
  if (outputValue === null || (outputValue !== undefined && !shape.hasSelection)) {
    run.flags = 0;
    return outputValue;
  }
  switch (shape.kind) {
    case 'nonNull': {
      const updated = complete(outputValue, shape.of, inputValue, run, parentType);
      if (updated === null) {
        if (!(run.flags & HAS_ERRORS)) {
          run.errors.push(
            ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${describe(run.path, shape.ofType, parentType)}.`, {
              path: Array.from(run.path),
            }),
          );
        }
        run.flags = INVALID | HAS_ERRORS;
        return null;
      }
      run.flags = 0;
      return updated;
    }
    case 'list': {
      if (inputValue === null) return (run.flags = 0), null;
      assert(Array.isArray(inputValue), () => `Invalid non-list value ${inputValue} returned by subgraph for list type ${shape.type}`);
      assert(outputValue === undefined || Array.isArray(outputValue), () => `Invalid non-list value ${outputValue} returned by subgraph for list type ${shape.type}`);
      const existing = outputValue as unknown[] | undefined;
      assert(
        existing === undefined || existing.length === inputValue.length,
        () => `[${inputValue}].length (${inputValue.length}) !== [${existing}].length (${existing!.length})`,
      );
      const updated = new Array<unknown>(inputValue.length);
      let nullify = false;
      let hasErrors = false;
      for (let i = 0; i < inputValue.length; i++) {
        run.path.push(i);
        updated[i] = complete(existing === undefined ? undefined : existing[i], shape.of, inputValue[i], run, parentType);
        run.path.pop();
        if (run.flags & INVALID) nullify = true;
        if (run.flags & HAS_ERRORS) hasErrors = true;
      }
      run.flags = hasErrors ? HAS_ERRORS : 0;
      return nullify ? null : updated;
    }
    case 'composite': {
      if (inputValue === null) return (run.flags = 0), null;
      assert(shape.selectionSet !== undefined, () => `Invalid empty selection set for composite type ${shape.type}`);
      assert(typeof inputValue === 'object', () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${shape.type}`);
      assert(outputValue === undefined || typeof outputValue === 'object', () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${shape.type}`);
      const object = inputValue as Json;
      const typename = object[typenameFieldName];
      assert(typename === undefined || typeof typename === 'string', () => `Invalid non-string value ${typename} for __typename at ${run.path}`);
      let objectType: NamedType = shape.type;
      if (typename) {
        const named = run.schema.type(typename);
        if (!named || !isCompositeType(named)) {
          run.errors.push(
            ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${describe(run.path, shape.type, parentType)}.`, {
              path: Array.from(run.path),
            }),
          );
          run.flags = HAS_ERRORS;
          return null;
        }
        objectType = named;
      }
      const output = (outputValue as Json | undefined) ?? {};
      const bubbled = applySteps(object, stepsFor(run.schema, shape.selectionSet, objectType), output, run, objectType);
      run.flags = bubbled ? HAS_ERRORS : 0;
      return bubbled ? null : output;
    }
    case 'leaf': {
      if (inputValue === null) return (run.flags = 0), null;
      assert(outputValue === undefined, () => `Excepted output to be undefined but got ${shape.type} for type ${shape.type}`);
      if (shape.obviouslyValid(inputValue) || isValidLeafValue(run.schema, inputValue, shape.type)) {
        run.flags = 0;
        return inputValue;
      }
      run.errors.push(
        ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${describe(run.path, shape.type, parentType)}.`, { path: Array.from(run.path) }),
      );
      run.flags = HAS_ERRORS;
      return null;
    }
  }
}

/** The same contract as Apollo's `computeResponse`. */
export function shapeResponse(apollo: (args: ShapeInput) => ShapeOutput, args: ShapeInput): ShapeOutput {
  const { operation, variables, input, introspectionHandling } = args;
  if (!input) return { data: input, errors: [] };
  let safe = safeOperations.get(operation);
  if (safe === undefined) safeOperations.set(operation, (safe = !hasUnsafeResponseName(operation.selectionSet)));
  if (!safe) return apollo(args);
  const schema = operation.schema();
  const run: Run = {
    schema,
    variables: { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables } as Record<string, unknown>,
    errors: [],
    introspectionHandling,
    path: [],
    flags: 0,
  };
  const rootType = schema.schemaDefinition.rootType(operation.rootKind)!;
  const data: Json = {};
  const bubbled = applySteps(input, stepsFor(schema, operation.selectionSet, rootType), data, run, rootType);
  return { data: bubbled ? null : data, errors: run.errors };
}

type OperationFromDocument = (schema: Schema, document: DocumentNode, options?: { operationName?: string; validate?: boolean }) => Operation;

/** Operations built without validation (the executor's call), kept per parsed operation and its fragments. */
function keepOperations(build: OperationFromDocument): OperationFromDocument {
  const kept = new WeakMap<Schema, WeakMap<OperationDefinitionNode, { fragments: FragmentDefinitionNode[]; operation: Operation }>>();
  return (schema, document, options) => {
    const [first, ...rest] = document.definitions;
    const cacheable =
      options !== undefined && options.validate === false && options.operationName === undefined && first?.kind === 'OperationDefinition';
    if (!cacheable) return build(schema, document, options);
    const fragments = rest as FragmentDefinitionNode[];
    let bySchema = kept.get(schema);
    if (!bySchema) kept.set(schema, (bySchema = new WeakMap()));
    const entry = bySchema.get(first);
    if (entry && entry.fragments.length === fragments.length && entry.fragments.every((f, i) => f === fragments[i])) return entry.operation;
    const operation = build(schema, document, options);
    bySchema.set(first, { fragments, operation });
    return operation;
  };
}

let installed: boolean | undefined;

/**
 * The installed version of a package, or null when it cannot be told: `<name>/package.json` is
 * refused by a package whose `exports` map does not list it, so the package's own directory is
 * found from its entry point instead. Never throws: an unknown version means Apollo's own code.
 */
export function installedVersion(load: NodeJS.Require, name: string): string | null {
  try {
    return (load(`${name}/package.json`) as { version: string }).version;
  } catch {
    try {
      for (let dir = dirname(load.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
        const file = join(dir, 'package.json');
        if (!existsSync(file)) continue;
        const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (manifest.name === name) return manifest.version ?? null;
      }
    } catch {
      // Not installed, or unreadable: unknown.
    }
    return null;
  }
}

/**
 * Puts the compiled walk and the kept operations in place of Apollo's, once per process. Returns
 * false (and changes nothing) when the installed Apollo packages are not the checked versions.
 */
export function installResultShaping(): boolean {
  if (installed !== undefined) return installed;
  const load = createRequire(__filename);
  const matches = Object.entries(CHECKED_VERSIONS).every(([name, version]) => installedVersion(load, name) === version);
  if (!matches) return (installed = false);
  let shaping: { computeResponse: (args: ShapeInput) => ShapeOutput };
  let operations: { operationFromDocument: OperationFromDocument };
  try {
    shaping = load('@apollo/gateway/dist/resultShaping');
    operations = load('@apollo/federation-internals/dist/operations');
  } catch {
    // A package that no longer lets its files be required by path: Apollo's own code runs.
    return (installed = false);
  }
  if (typeof shaping.computeResponse !== 'function' || typeof operations.operationFromDocument !== 'function') return (installed = false);
  const apollo = shaping.computeResponse;
  shaping.computeResponse = (args) => shapeResponse(apollo, args);
  operations.operationFromDocument = keepOperations(operations.operationFromDocument);
  return (installed = true);
}
