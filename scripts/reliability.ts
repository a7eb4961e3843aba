/**
 * `npm run test:reliability`: the reliability lane. Runs test files (by
 * default everything in test/reliability) again and again, each run a fresh
 * jest, and stops at the first failing run, so a race that shows once in a
 * while shows here. `npm run test:reliability -- test/reliability/bank.test.ts`
 * runs only the bank test; RELIABILITY_REPEAT sets how many times.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, parseConfig, setting } from '../platform/src/config';

const root = join(__dirname, '..');
const say = (line: string) => process.stdout.write(`[reliability] ${line}\n`);

function main(): number {
  let settings: { RELIABILITY_REPEAT: number };
  try {
    settings = parseConfig({ RELIABILITY_REPEAT: setting.integer(1, { min: 1, max: 10_000 }) }, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      say(error.message);
      return 2;
    }
    throw error;
  }
  const files = process.argv.slice(2);
  const targets = files.length > 0 ? files : ['test/reliability'];
  const repeat = settings.RELIABILITY_REPEAT;
  const started = Date.now();
  for (let run = 1; run <= repeat; run++) {
    const result = spawnSync(process.execPath, [join(root, 'node_modules/jest/bin/jest.js'), '--runInBand', ...targets], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, CI: process.env.CI ?? 'true' },
    });
    if (result.status !== 0) {
      say(`run ${run} of ${repeat} failed (${result.signal ?? `exit code ${result.status}`}); ${run - 1} passed before it`);
      return 1;
    }
    say(`run ${run} of ${repeat} passed`);
  }
  say(`${repeat} of ${repeat} runs of ${targets.join(' ')} passed, none failed, in ${Math.round((Date.now() - started) / 1000)} s`);
  return 0;
}

process.exit(main());
