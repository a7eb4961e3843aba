import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { startPlatform, type RunningPlatform } from '../../../test/platform';
import { SPIJKERKWARTIER, tokenOf } from '../../../test/people';
import { EXAMPLES } from './examples';

/*
 * The explorer's example operations, one tab per user group, are real: each validates against the
 * public API schema as composed now, and each operation runs through the gateway with the variables
 * the page shows (read from the page itself), the writes with a token of the role the example names.
 */
describe('explorer: the example operations validate and run', () => {
  let platform: RunningPlatform;
  let tabs: { query: string; variables: string; headers: string }[];
  beforeAll(async () => {
    platform = await startPlatform();
    const page = await fetch(new URL('/explorer?neighbourhood=spijkerkwartier', platform.gatewayUrl), { headers: { accept: 'text/html' } });
    const config = /<script type="application\/json" id="explorer-config">([^<]*)<\/script>/.exec(await page.text())![1];
    ({ tabs } = JSON.parse(config));
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const operations = (query: string) => parse(query).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

  it('has one tab per user group, each naming its group and, for a write, how to get a token', () => {
    expect(tabs.map((tab) => tab.query.split('\n')[0])).toEqual(['# A resident.', '# A civic developer.', '# A municipal analyst or official.', '# A treasurer or steward.']);
    expect(tabs[3].query).toContain('npm run token -- --member "Penningmeester Pieter" --role steward --neighbourhood spijkerkwartier');
    for (const tab of tabs) expect(JSON.parse(tab.headers)).toEqual({ Authorization: '' });
  });

  it('every example validates against the public API schema (schema/api.graphql)', () => {
    const schema = buildSchema(readFileSync(join(__dirname, '../../../schema/api.graphql'), 'utf8'));
    for (const example of EXAMPLES) {
      expect([example.group, validate(schema, parse(example.document)).map((e) => e.message)]).toEqual([example.group, []]);
    }
  });

  it.each(EXAMPLES.map((example, index) => [example.group, index] as const))('%s: every operation runs as the page shows it', async (_group, index) => {
    const example = EXAMPLES[index];
    const tab = tabs[index];
    const variables = JSON.parse(tab.variables);
    for (const operation of operations(tab.query)) {
      const name = operation.name!.value;
      const writes = example.writes?.operationName === name ? example.writes : undefined;
      const token = writes ? await tokenOf(platform, writes.demoMember, [writes.role], SPIJKERKWARTIER) : undefined;
      const send = () =>
        fetch(new URL('/graphql', platform.gatewayUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query: tab.query, operationName: name, variables }),
        }).then(async (response) => ({ status: response.status, body: (await response.json()) as { data?: Record<string, Record<string, unknown> | null>; errors?: unknown[] } }));
      const answer = await send();
      expect([name, answer.status, answer.body.errors]).toEqual([name, 200, undefined]);
      const root = Object.values(answer.body.data!)[0];
      expect([name, root]).not.toEqual([name, null]);
      if (writes) {
        expect([name, root!.__typename]).toEqual([name, { SupportWish: 'SupportWishSuccess', AssessCriterion: 'BidPayload', PostEntry: 'PostEntrySuccess' }[name]]);
      }
      if (name === 'PostEntry') {
        // The example's idempotency key makes a second run return the same entry.
        const again = await send();
        expect(again.body.data!.postEntry).toEqual({ ...root, replayed: true });
      }
    }
  });
});
