/**
 * Composes the four subgraph SDL files into the supergraph the gateway serves
 * (schema/supergraph.graphql), the public API schema for client developers
 * (schema/api.graphql) and its possibleTypes map for client caches (schema/possible-types.json).
 * Run with --check to fail when any of them is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, printSchema, lexicographicSortSchema } from 'graphql';
import { composeServices } from '@apollo/composition';
import { possibleTypesOf, printPossibleTypes } from './abstract-types';

export const SUBGRAPHS = ['community', 'projects', 'ledger', 'impact'] as const;
const root = join(__dirname, '..');

/** Subgraph URLs written into the supergraph: the docker-compose service names; the gateway overrides them from its config. */
export const defaultSubgraphUrl = (name: string) => `http://${name}:4000/graphql`;

/** `edit` lets tests compose a changed SDL without touching the files. */
export function compose(edit: (name: string, sdl: string) => string = (_name, sdl) => sdl): { supergraph: string; api: string; possibleTypes: string } {
  const services = SUBGRAPHS.map((name) => ({
    name,
    url: defaultSubgraphUrl(name),
    typeDefs: parse(edit(name, readFileSync(join(root, 'subgraphs', name, 'schema.graphql'), 'utf8'))),
  }));
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  const apiSchema = lexicographicSortSchema(result.schema.toAPISchema().toGraphQLJSSchema());
  return {
    supergraph: result.supergraphSdl,
    api: printSchema(apiSchema) + '\n',
    possibleTypes: printPossibleTypes(possibleTypesOf(apiSchema)),
  };
}

export const SUPERGRAPH_PATH = join(__dirname, 'supergraph.graphql');
export const API_PATH = join(__dirname, 'api.graphql');
export const POSSIBLE_TYPES_PATH = join(__dirname, 'possible-types.json');

if (require.main === module) {
  try {
    const { supergraph, api, possibleTypes } = compose();
    if (process.argv.includes('--check')) {
      const stale = [
        [SUPERGRAPH_PATH, supergraph],
        [API_PATH, api],
        [POSSIBLE_TYPES_PATH, possibleTypes],
      ].filter(([path, text]) => readFileSync(path, 'utf8') !== text);
      if (stale.length > 0) {
        console.error(`stale: ${stale.map(([p]) => p).join(', ')}; run npm run compose`);
        process.exit(1);
      }
    } else {
      writeFileSync(SUPERGRAPH_PATH, supergraph);
      writeFileSync(API_PATH, api);
      writeFileSync(POSSIBLE_TYPES_PATH, possibleTypes);
      console.log('wrote schema/supergraph.graphql, schema/api.graphql and schema/possible-types.json');
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
