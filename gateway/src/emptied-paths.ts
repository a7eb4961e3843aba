import { Kind, parse, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/** A response path as the gateway's error paths take it: field names and list indices. */
export type ErrorPath = (string | number)[];

/**
 * The fields a failed subgraph fetch would have filled, as error paths
 * relative to the fetch, which the gateway turns into paths of the client's
 * response: a root fetch's fields (`["project"]`), or each field of each
 * entity asked for (`["_entities", 3, "finances"]`). An error for each tells
 * a client which nulls are missing data rather than real nulls.
 */
export function emptiedPaths(operation: string | DocumentNode, variables: Record<string, unknown> | undefined): ErrorPath[] {
  const document = typeof operation === 'string' ? parse(operation) : operation;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const root = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!root || root.kind !== Kind.OPERATION_DEFINITION) return [];

  const paths: ErrorPath[] = [];
  for (const field of fieldsOf(root.selectionSet, null, fragments)) {
    if (field.name === '_entities' && field.selectionSet) {
      const representations = Array.isArray(variables?.representations) ? (variables.representations as { __typename?: unknown }[]) : [];
      representations.forEach((representation, index) => {
        const typename = typeof representation?.__typename === 'string' ? representation.__typename : null;
        for (const inner of fieldsOf(field.selectionSet!, typename, fragments)) if (inner.key !== '__typename') paths.push([field.key, index, inner.key]);
      });
    } else if (field.key !== '__typename') {
      paths.push([field.key]);
    }
  }
  return paths;
}

/** The fields of a selection set by response key, through fragments that apply to `typename` (all of them when it is unknown). */
function fieldsOf(selectionSet: SelectionSetNode, typename: string | null, fragments: Map<string, FragmentDefinitionNode>): { key: string; name: string; selectionSet?: SelectionSetNode }[] {
  const found = new Map<string, { key: string; name: string; selectionSet?: SelectionSetNode }>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (!found.has(key)) found.set(key, { key, name: selection.name.value, selectionSet: selection.selectionSet });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition?.name.value;
        if (!condition || typename === null || condition === typename) visit(selection.selectionSet);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && (typename === null || fragment.typeCondition.name.value === typename)) visit(fragment.selectionSet);
      }
    }
  };
  visit(selectionSet);
  return [...found.values()];
}
