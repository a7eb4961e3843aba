import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_OPERATION_NAMES, operationNamesIn } from './known-operations';
import { EXAMPLES } from './explorer/examples';

const root = join(__dirname, '..', '..');

test("the metrics' known operation names are exactly the example app's, the README's and the explorer's examples'", () => {
  const dir = join(root, 'examples', 'civic-app', 'src');
  const app = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => operationNamesIn(readFileSync(join(dir, f), 'utf8')));
  const readme = /## Try it in the explorer[\s\S]*?```graphql\n([\s\S]*?)```/.exec(readFileSync(join(root, 'README.md'), 'utf8'))?.[1] ?? '';
  expect(operationNamesIn(readme)).toEqual(['Neighbourhood']);
  const explorer = EXAMPLES.flatMap((example) => operationNamesIn(example.document));
  expect(explorer).toEqual(expect.arrayContaining(['MyNeighbourhood', 'SupportWish', 'AssessCriterion', 'PostEntry']));
  expect([...new Set([...operationNamesIn(readme), ...app, ...explorer])].sort()).toEqual([...EXAMPLE_OPERATION_NAMES].sort());
});
