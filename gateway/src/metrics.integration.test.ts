import { startPlatform, type RunningPlatform } from '../../test/platform';
import { exportLabels } from './metrics';

/*
 * The gateway's /metrics labels come from closed sets: operation names the examples use or the
 * operator lists, export tables, formats and statuses. What a client makes up (operation names,
 * slugs, file names) adds no series. Export downloads are counted as exports, by table; the graph
 * pages they read are not GraphQL requests of anyone.
 */
describe('gateway metrics labels', () => {
  let platform: RunningPlatform;
  let metricsUrl: string;
  beforeAll(async () => {
    platform = await startPlatform();
    const { port } = await platform.gateway.listenMetrics(0, '127.0.0.1');
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
  });
  afterAll(() => platform.stop());

  const scrape = async () => (await fetch(metricsUrl)).text();
  /** Every series but the process's own (memory, event loop: they move by themselves). */
  const seriesOf = (text: string) =>
    text
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#') && !/^dbwe_gateway_(process|nodejs)_/.test(l))
      .map((l) => l.slice(0, l.lastIndexOf(' ')));
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  };

  test('a hundred made-up operation names add no series', async () => {
    // The first made-up name opens the `other` series; the hundred after it must add nothing.
    await platform.query('query MadeUpFirst { neighbourhoods { slug } }');
    const before = new Set(seriesOf(await scrape()));
    for (let i = 0; i < 100; i++) await platform.query(`query MadeUp${i}Name${'y'.repeat(i)} { neighbourhoods { slug } }`);
    const text = await scrape();
    expect(text).not.toContain('MadeUp');
    expect(seriesOf(text).filter((s) => !before.has(s))).toEqual([]);
    expect(value(text, 'dbwe_gateway_requests_total{operation="other",outcome="ok"}')).toBe(101);
  });

  test('the example operations count by their names without being configured', async () => {
    await platform.query('query NeighbourhoodReport { neighbourhoods { slug } }');
    const text = await scrape();
    expect(value(text, 'dbwe_gateway_requests_total{operation="NeighbourhoodReport",outcome="ok"}')).toBe(1);
  });

  test('an export is counted as an export of its table, its pages not as GraphQL requests', async () => {
    const before = await scrape();
    const csv = await fetch(new URL('/export/v1/neighbourhoods/spijkerkwartier/members.csv', platform.gatewayUrl));
    expect(csv.status).toBe(200);
    await csv.text();
    const dataPackage = await fetch(new URL('/export/v1/neighbourhoods/spijkerkwartier/datapackage.json', platform.gatewayUrl));
    expect(dataPackage.status).toBe(200);
    await dataPackage.text();
    await new Promise((r) => setTimeout(r, 50));
    const after = await scrape();
    expect(value(after, 'dbwe_gateway_exports_total{table="members",format="csv",status="200"}')).toBe(1);
    expect(value(after, 'dbwe_gateway_exports_total{table="datapackage",format="json",status="200"}')).toBe(1);
    expect(value(after, 'dbwe_gateway_export_pages_total{table="members"}')).toBeGreaterThanOrEqual(2);
    expect(value(after, 'dbwe_gateway_export_duration_seconds_count{table="members"}')).toBe(1);
    // Not one GraphQL request more, under any operation label.
    const graphql = (text: string) => seriesOf(text).filter((s) => s.startsWith('dbwe_gateway_requests_total')).reduce((sum, s) => sum + value(text, s), 0);
    expect(graphql(after)).toBe(graphql(before));
  });

  test('a made-up neighbourhood or file adds no label of its own', async () => {
    for (let i = 0; i < 20; i++) {
      const response = await fetch(new URL(`/export/v1/neighbourhoods/nowhere-${i}/made_up_${String.fromCharCode(97 + i)}.csv${i % 2 ? 'x' : ''}`, platform.gatewayUrl));
      await response.text();
      expect(response.status).toBe(404);
    }
    await new Promise((r) => setTimeout(r, 50));
    const text = await scrape();
    expect(text).not.toMatch(/nowhere|made_up_/);
    expect(value(text, 'dbwe_gateway_exports_total{table="other",format="other",status="404"}')).toBe(10);
    expect(value(text, 'dbwe_gateway_exports_total{table="other",format="csv",status="404"}')).toBe(10);
  });
});

test('export labels name only known tables, resources and formats', () => {
  expect(exportLabels('/export/v1/neighbourhoods/spijkerkwartier/ledger_entries.jsonl?afterSequence=3')).toEqual({ table: 'ledger_entries', format: 'jsonl' });
  expect(exportLabels('/export/v1/neighbourhoods/x/events.jsonl')).toEqual({ table: 'events', format: 'jsonl' });
  expect(exportLabels('/export/v1/neighbourhoods/x/checkpoint.txt')).toEqual({ table: 'checkpoint', format: 'txt' });
  expect(exportLabels('/export/v1/openapi.json')).toEqual({ table: 'openapi', format: 'json' });
  expect(exportLabels('/export/v1/neighbourhoods')).toEqual({ table: 'neighbourhoods', format: 'json' });
  expect(exportLabels('/.well-known/dbwe-ledger-keys')).toEqual({ table: 'ledger_keys', format: 'json' });
  expect(exportLabels('/export/v1/neighbourhoods/x/secrets.exe')).toEqual({ table: 'other', format: 'other' });
  expect(exportLabels('/export/v9/whatever/at/all')).toEqual({ table: 'other', format: 'other' });
});
