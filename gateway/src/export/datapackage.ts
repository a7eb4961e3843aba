import type { Column } from './columns';
import { CSV_DIALECT } from './formats';
import type { ExportTable } from './tables';

/**
 * A Frictionless Data Package describing a neighbourhood's export: every
 * table's fields with types and the descriptions written in the schema.
 */
export function dataPackage(neighbourhood: { slug: string; name: string }, tables: ExportTable[], columns: Map<string, Column[]>) {
  return {
    profile: 'tabular-data-package',
    name: `dbwe-${neighbourhood.slug}`,
    title: `De BlauweWijkEconomie – ${neighbourhood.name}`,
    description: `Open data of the neighbourhood economy of ${neighbourhood.name}: members (public fields), wishes, poll results, projects, Right to Challenge bids, the books with their transparency log, and SROI analyses. Produced from the public GraphQL graph. The ledger tables (${tables
      .filter((t) => t.checkpointed)
      .map((t) => t.name)
      .join(', ')}) are each cut at a signed checkpoint: the one named by the download's Ledger-Checkpoint-Size header, served at checkpoint.txt?size=<it>.`,
    licenses: [{ name: 'CC0-1.0', title: 'Creative Commons Zero v1.0 Universal', path: 'https://creativecommons.org/publicdomain/zero/1.0/' }],
    resources: tables.map((table) => ({
      profile: 'tabular-data-resource',
      name: table.name,
      title: table.title,
      description: table.description,
      path: `${table.name}.csv`,
      format: 'csv',
      mediatype: 'text/csv',
      encoding: 'utf-8',
      dialect: CSV_DIALECT,
      schema: {
        fields: columns.get(table.name)!.map((c) => ({
          name: c.name,
          type: c.type,
          ...(c.type === 'number' ? { decimalChar: '.', groupChar: '' } : {}),
          ...(c.type === 'datetime' || c.type === 'date' ? { format: 'default' } : {}),
          description: c.description,
          'x-graphql-field': c.source,
          ...(c.required ? { constraints: { required: true } } : {}),
        })),
        primaryKey: table.primaryKey,
        missingValues: [''],
      },
    })),
  };
}
