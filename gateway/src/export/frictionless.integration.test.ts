import { startPlatform, type RunningPlatform } from '../../../test/platform';
import { EXPORT_TABLES } from './tables';

/*
 * The data package as the Frictionless JS libraries (datapackage-js on tableschema-js) read it from the real
 * gateway: the descriptor is a valid tabular data package, and every table's rows cast to the declared types
 * (times with milliseconds included) and every foreign key between the tables resolves.
 */

/** The part of datapackage-js this test uses (the package ships no types). */
interface FrictionlessResource {
  name: string;
  descriptor: { schema: { fields: { name: string; type: string }[]; foreignKeys?: unknown[] } };
  read(options: { forceCast?: boolean; relations?: boolean; keyed?: boolean }): Promise<unknown[]>;
}
interface FrictionlessPackage {
  valid: boolean;
  errors: Error[];
  resources: FrictionlessResource[];
  getResource(name: string): FrictionlessResource | null;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- datapackage-js is CommonJS without types.
const { Package } = require('datapackage') as { Package: { load(descriptor: string): Promise<FrictionlessPackage> } };

describe('the data package under the Frictionless validators', () => {
  let platform: RunningPlatform;
  let pkg: FrictionlessPackage;
  beforeAll(async () => {
    platform = await startPlatform();
    pkg = await Package.load(new URL('/export/v1/neighbourhoods/spijkerkwartier/datapackage.json', platform.gatewayUrl).href);
  });
  afterAll(() => platform.stop());

  it('is a valid tabular data package declaring the 21 relations between its tables', () => {
    expect(pkg.errors.map((e) => e.message)).toEqual([]);
    expect(pkg.valid).toBe(true);
    expect(pkg.resources.map((r) => r.name)).toEqual(EXPORT_TABLES.map((t) => t.name));
    expect(pkg.resources.flatMap((r) => r.descriptor.schema.foreignKeys ?? [])).toHaveLength(21);
  });

  it('types the SROI amounts as numbers beside a unit column, and every time with its milliseconds', async () => {
    const types = (name: string) => new Map(pkg.getResource(name)!.descriptor.schema.fields.map((f) => [f.name, f.type]));
    expect(Object.fromEntries([...types('projects')].filter(([n]) => n.startsWith('sroi_')))).toEqual({
      sroi_presentValue: 'number',
      sroi_inputs: 'number',
      sroi_ratio: 'number',
      sroi_presentValueExact: 'number',
      sroi_inputsExact: 'number',
      sroi_ratioExact: 'number',
      sroi_unit: 'string',
    });
    const analyses = types('sroi_analyses');
    for (const name of ['result_presentValue', 'result_inputs', 'result_netPresentValue', 'result_ratio', 'result_netRatio', 'result_paybackMonths']) expect([name, analyses.get(name)]).toEqual([name, 'number']);
    expect(analyses.get('result_unit')).toBe('string');
    const rows = (await pkg.getResource('sroi_analyses')!.read({ keyed: true })) as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.result_unit ?? 'EUR').toBe('EUR');
    expect(rows.some((row) => row.result_unit === 'EUR')).toBe(true);
    for (const resource of pkg.resources) {
      for (const field of resource.descriptor.schema.fields as { name: string; type: string; format?: string }[]) {
        if (field.type === 'datetime') expect([resource.name, field.name, field.format]).toEqual([resource.name, field.name, '%Y-%m-%dT%H:%M:%S.%fZ']);
      }
    }
  });

  it.each(EXPORT_TABLES.map((t) => t.name))('%s: every row casts to its schema and every foreign key resolves', async (name) => {
    const resource = pkg.getResource(name)!;
    // forceCast: a row that fails to cast comes back as the error, so the test names every one.
    const rows = await resource.read({ forceCast: true });
    const failures = rows.filter((row): row is Error => row instanceof Error).map((e) => `${e.message} ${JSON.stringify((e as Error & { errors?: Error[] }).errors?.map((x) => x.message))}`);
    expect(failures).toEqual([]);
    // relations: every foreign key looked up in the resource it references (downloaded too), or it throws.
    const related = await resource.read({ relations: true });
    expect(related).toHaveLength(rows.length);
    if (['members', 'projects', 'ledger_entries', 'ledger_lines', 'accounts', 'sroi_analyses'].includes(name)) expect(rows.length).toBeGreaterThan(0);
  });
});
