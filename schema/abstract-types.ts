/**
 * The `possibleTypes` map of the public API: for every union and interface, the object types it may
 * be. Apollo Client (and urql's graphcache) need it to match a fragment on an abstract type
 * (`... on LedgerError`, a mutation result union's members) without asking the server; without it a
 * normalised cache cannot tell which members such a fragment covers. Written as
 * schema/possible-types.json by `npm run compose` and served by the gateway at
 * /schema/possible-types.json. (Not named possible-types.ts: Node's resolver would find the .json of
 * that name before tsx's .ts.)
 */
import { isAbstractType, type GraphQLSchema } from 'graphql';

export type PossibleTypes = Record<string, string[]>;

/** Sorted by name throughout, so the committed file changes only when the schema does. */
export function possibleTypesOf(schema: GraphQLSchema): PossibleTypes {
  const map: PossibleTypes = {};
  const abstractTypes = Object.values(schema.getTypeMap())
    .filter(isAbstractType)
    .filter((type) => !type.name.startsWith('__'))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));
  for (const type of abstractTypes) {
    map[type.name] = schema
      .getPossibleTypes(type)
      .map((member) => member.name)
      .sort((a, b) => a.localeCompare(b, 'en'));
  }
  return map;
}

/** The file's text: two-space JSON and a final newline. */
export function printPossibleTypes(map: PossibleTypes): string {
  return JSON.stringify(map, null, 2) + '\n';
}
