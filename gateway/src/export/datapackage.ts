import type { Column } from './columns';
import { CSV_DIALECT } from './formats';
import type { ExportTable } from './tables';

/** Times as the graph gives them: UTC with milliseconds, e.g. 2026-11-25T09:30:00.000Z (a strptime pattern). */
export const DATETIME_FORMAT = '%Y-%m-%dT%H:%M:%S.%fZ';

/** A table's references as Table Schema foreign keys; a reference to its own table names the resource "". */
function foreignKeys(table: ExportTable) {
  return Object.entries(table.references ?? {}).map(([field, target]) => {
    const [resource, column] = target.split('.');
    return { fields: field, reference: { resource: resource === table.name ? '' : resource, fields: column } };
  });
}

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
      .join(', ')}) are each cut at a signed checkpoint: the one named by the download's Ledger-Checkpoint-Size header, served at checkpoint.txt?size=<it>; download them at one size (?size=) for their foreign keys to resolve. Every table is also served as <table>.jsonl (the same rows as JSON Lines) and <table>.xlsx (typed cells, with a sheet describing the fields), and as CSV for spreadsheets in a decimal-comma locale with ?dialect=excel; the package lists the RFC 4180 CSV only, as a tabular data package lists each table once, in CSV. The neighbourhood's event feed, events.jsonl, is not a table (CloudEvents with nested data, paged) and is described in the OpenAPI document (/export/v1/openapi.json). A text cell that starts with =, +, -, @, a tab, a carriage return, their full-width forms or ' carries one extra leading ' against formula injection (OWASP): drop it when reading the text back.`,
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
          // The graph writes times as JavaScript does, always with milliseconds, which the default datetime format refuses.
          ...(c.type === 'datetime' ? { format: DATETIME_FORMAT } : c.type === 'date' ? { format: 'default' } : {}),
          description: c.description,
          'x-graphql-field': c.source,
          ...(c.required ? { constraints: { required: true } } : {}),
        })),
        primaryKey: table.primaryKey,
        ...(table.references ? { foreignKeys: foreignKeys(table) } : {}),
        missingValues: [''],
      },
    })),
  };
}
