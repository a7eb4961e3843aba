import {
  TypeInfo,
  getNamedType,
  isLeafType,
  isListType,
  getNullableType,
  parse,
  visit,
  visitWithTypeInfo,
  Kind,
  type GraphQLSchema,
  type FieldNode,
  type SelectionSetNode,
  type GraphQLOutputType,
} from 'graphql';
import type { ExportTable } from './tables';

/** Frictionless Table Schema field types we produce. */
export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'array';

export interface Column {
  /** Column name in CSV headers and JSON Lines keys: the field path joined with underscores. */
  name: string;
  /** Where the value sits in a row object (after exploding). */
  path: string[];
  type: FieldType;
  /** The field's description from the schema: written once, in the SDL. */
  description: string;
  /** The GraphQL type and field the column comes from, e.g. Money.amount. */
  source: string;
  required: boolean;
  /**
   * Text the platform computed from a fixed alphabet (hashes, base64), written exactly as it is, never
   * prefixed against formulas: a verifier recomputes it byte for byte, and nobody can choose its first character.
   */
  verbatim: boolean;
  /** What a value counts in (the xlsx "fields" sheet says it): EUR, a sibling unit column, UTC, a fraction. */
  unit: string;
}

/**
 * String fields whose value is a decimal number (the Decimal scalar always is). SroiResult's rounded
 * figures are decimal strings too: typed as numbers (they were strings), the values themselves unchanged.
 */
const DECIMAL_FIELDS = new Set([
  'Money.amount',
  'Outcome.quantity',
  'FinancialProxy.value',
  'Assumption.value',
  'SroiAnalysis.discountRate',
  'SroiResult.presentValue',
  'SroiResult.inputs',
  'SroiResult.netPresentValue',
  'SroiResult.ratio',
  'SroiResult.netRatio',
  'SroiResult.paybackMonths',
]);

/** Fields whose text is computed by the platform from a fixed alphabet (see Column.verbatim). */
const VERBATIM_FIELDS = new Set(['LedgerEntry.hash', 'LedgerEntry.previousHash', 'LogLeaf.hash']);

/** Units of the fields whose unit is fixed; amounts of Money name theirs in the sibling `…_unit` column. */
const FIXED_UNITS: Record<string, string> = {
  'SroiAnalysis.discountRate': 'fraction per year (0.035 = 3.5%)',
  'Assumption.value': 'fraction (0.25 = 25%)',
  'SroiResult.ratio': 'euros of value per euro of input',
  'SroiResult.ratioExact': 'euros of value per euro of input',
  'SroiResult.netRatio': 'euros of net value per euro of input',
  'SroiResult.netRatioExact': 'euros of net value per euro of input',
  'SroiResult.paybackMonths': 'months',
  'SroiResult.paybackMonthsExact': 'months',
  'Outcome.durationYears': 'years',
  'FinancialProxy.value': 'EUR per unit of the indicator per year',
};

/** SroiResult and SroiInputs amounts are euros (the impact subgraph computes in euros only). */
const EURO_TYPES = new Set(['SroiResult', 'SroiInputs']);

function unitOf(source: string, name: string, type: FieldType, names: Set<string>): string {
  if (FIXED_UNITS[source]) return FIXED_UNITS[source];
  const [parent, field] = source.split('.');
  // An amount's unit sits beside it (balance_unit), or for a budget's revisions in the budget's own unit column.
  const sibling = `${name.replace(/_?(amount|minorUnits)$/, '')}_unit`;
  const unitColumn = names.has(sibling) ? sibling : 'unit';
  if (source === 'Money.amount') return `the row's ${unitColumn} (EUR, or HOUR for volunteer hours)`;
  if (source === 'Money.minorUnits') return `hundredths of the row's ${unitColumn} (cents, or hundredths of an hour)`;
  if (EURO_TYPES.has(parent) && type === 'number' && field !== 'basis') return 'EUR';
  if (type === 'datetime') return 'UTC';
  return '';
}

function fieldType(parentType: string, fieldName: string, type: GraphQLOutputType): FieldType {
  if (isListType(getNullableType(type))) return 'array';
  const named = getNamedType(type).name;
  if (DECIMAL_FIELDS.has(`${parentType}.${fieldName}`)) return 'number';
  switch (named) {
    case 'Int':
    case 'Int64':
      return 'integer';
    case 'Float':
    case 'Decimal':
      return 'number';
    case 'Boolean':
      return 'boolean';
    case 'DateTime':
      return 'datetime';
    case 'Date':
      return 'date';
    default:
      return 'string';
  }
}

/**
 * Derives a table's columns from its GraphQL query: every leaf field selected
 * under the connection's `node` (and under the exploded list) is a column,
 * with its type and description taken from the public schema.
 */
export function columnsOf(table: ExportTable, schema: GraphQLSchema): Column[] {
  const document = parse(table.query);
  const typeInfo = new TypeInfo(schema);
  const columns: Column[] = [];
  const stack: string[] = [];
  const nonNull: boolean[] = [];
  let nodeDepth = -1;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node: FieldNode) {
          const key = node.alias?.value ?? node.name.value;
          stack.push(key);
          nonNull.push(String(typeInfo.getType() ?? '').endsWith('!'));
          // A connection's nodes sit at <connection>.edges.node; a plain list's elements at the list itself.
          const atNode = isPlainList(table)
            ? pathEquals(stack, table.connection)
            : stack.length >= 2 && stack[stack.length - 1] === 'node' && stack[stack.length - 2] === 'edges' && pathEquals(stack.slice(0, -2), table.connection);
          if (atNode && nodeDepth < 0) nodeDepth = stack.length;
          const type = typeInfo.getType();
          const parent = typeInfo.getParentType();
          const def = typeInfo.getFieldDef();
          if (nodeDepth > 0 && stack.length > nodeDepth && type && parent && def && isLeafType(getNamedType(type))) {
            const path = stack.slice(nodeDepth);
            const { rest, level } = stripExploded(path, table.explode ?? []);
            const name = rest.join('_');
            const columnType = fieldType(parent.name, def.name, type);
            columns.push({
              name,
              path,
              type: columnType,
              unit: '',
              verbatim: VERBATIM_FIELDS.has(`${parent.name}.${def.name}`),
              description: (def.description ?? '').replace(/\s+/g, ' ').trim(),
              source: `${parent.name}.${def.name}`,
              // Required only when no field between the node and the value can be null.
              required: nonNull.slice(nodeDepth).every(Boolean) && level === (table.explode?.length ?? 0),
            });
          }
        },
        leave() {
          stack.pop();
          nonNull.pop();
        },
      },
    }),
  );
  if (nodeDepth < 0) throw new Error(`export ${table.name}: the query does not select the nodes of ${table.connection.join('.')}`);
  const names = new Set(columns.map((c) => c.name));
  return columns.map((c) => ({ ...c, unit: unitOf(c.source, c.name, c.type, names) }));
}

/** Whether the table's path leads to a plain list of nodes (read whole or by index) rather than to a connection. */
export function isPlainList(table: ExportTable): boolean {
  return table.paging === 'list' || table.paging === 'index';
}

function pathEquals(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Splits a column path into the exploded lists it passes through and the rest:
 * with explode ['lines'], ['lines', 'account', 'code'] is level 1, rest ['account', 'code'].
 */
function stripExploded(path: string[], explode: string[]): { rest: string[]; level: number } {
  let rest = path;
  let level = 0;
  for (const list of explode) {
    const segments = list.split('.');
    if (!segments.every((s, i) => rest[i] === s)) break;
    rest = rest.slice(segments.length);
    level++;
  }
  return { rest, level };
}

const pick = (source: unknown, path: string[]): unknown =>
  path.reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : null), source);

/** Turns a connection node into rows: one, or one per element of the exploded lists (nested lists multiply). */
export function rowsOf(node: Record<string, unknown>, table: ExportTable, columns: Column[]): unknown[][] {
  const explode = table.explode ?? [];
  const contexts: unknown[][] = [];
  const walk = (level: number, current: unknown, chain: unknown[]) => {
    if (level === explode.length) {
      contexts.push(chain);
      return;
    }
    const items = pick(current, explode[level].split('.'));
    for (const item of Array.isArray(items) ? items : []) walk(level + 1, item, [...chain, item]);
  };
  walk(0, node, [node]);
  return contexts.map((chain) =>
    columns.map((c) => {
      const { rest, level } = stripExploded(c.path, explode);
      const value = pick(chain[level], rest);
      return value === undefined ? null : value;
    }),
  );
}

export function selectionHas(selection: SelectionSetNode | undefined, name: string): boolean {
  return !!selection?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === name);
}
