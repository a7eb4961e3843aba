import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_OPERATION_NAMES } from './known-operations';

const root = join(__dirname, '..', '..');
const namesIn = (text: string) => [...text.matchAll(/\b(?:query|mutation|subscription)\s+([A-Z][A-Za-z0-9_]*)\s*[({]/g)].map((m) => m[1]);

test("the metrics' known operation names are exactly the example app's and the README's Sandbox example's", () => {
  const dir = join(root, 'examples', 'civic-app', 'src');
  const examples = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => namesIn(readFileSync(join(dir, f), 'utf8')));
  const sandbox = /## Try it in Sandbox[\s\S]*?```graphql\n([\s\S]*?)```/.exec(readFileSync(join(root, 'README.md'), 'utf8'))?.[1] ?? '';
  expect([...new Set([...namesIn(sandbox), ...examples])].sort()).toEqual([...EXAMPLE_OPERATION_NAMES].sort());
});
