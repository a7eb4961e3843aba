import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, printSchema, validate, type DocumentNode } from 'graphql';
import { CodeFileLoader } from '@graphql-tools/code-file-loader';
import { loadConfig, type GraphQLExtensionDeclaration } from 'graphql-config';

/*
 * Editors find the schema and the example operations through .graphqlrc.yml at the root, read by
 * graphql-config, the library the GraphQL language server uses: the schema it finds is the public
 * API schema, and every example operation it finds validates against it.
 */
const root = join(__dirname, '..');

/**
 * graphql-config reads documents only from .graphql files by itself; the GraphQL language server
 * registers a loader for operations in TypeScript (graphql-tag-pluck) as this extension does.
 */
const codeFiles: GraphQLExtensionDeclaration = (api) => {
  api.loaders.documents.register(new CodeFileLoader());
  return { name: 'languageService' };
};

describe('.graphqlrc.yml', () => {
  it('gives editors the public API schema and the example operations, which validate', async () => {
    const config = await loadConfig({ rootDir: root, throwOnMissing: true, throwOnEmpty: true, extensions: [codeFiles] });
    expect(config?.filepath).toBe(join(root, '.graphqlrc.yml'));
    const project = config!.getDefault();
    const schema = await project.getSchema();
    expect(printSchema(schema)).toBe(printSchema(buildSchema(readFileSync(join(root, 'schema', 'api.graphql'), 'utf8'))));

    const sources = await project.getDocuments();
    const operations = sources.flatMap((source) => source.document!.definitions.map((d) => ('name' in d ? d.name?.value : undefined)));
    expect(operations).toEqual(expect.arrayContaining(['NeighbourhoodReport', 'SupportWish']));
    // The generated folder holds copies of the operations, not operations of its own.
    expect(sources.map((s) => s.location)).not.toContainEqual(expect.stringContaining('/src/gql/'));
    for (const source of sources) {
      expect({ file: source.location, errors: validate(schema, source.document as DocumentNode).map((e) => e.message) }).toEqual({ file: source.location, errors: [] });
    }
    // The check has teeth: an operation on a field the schema lacks does not validate.
    expect(validate(schema, parse('{ neighbourhood(slug: "x") { nameThatIsNot } }')).map((e) => e.message)).toEqual([expect.stringContaining('nameThatIsNot')]);
  });
});
