#!/usr/bin/env node
/**
 * dbwe-verify: the independent verifier and witness of the dBWE neighbourhood books (README.md).
 * Exit codes: 0 valid, 1 invalid, 2 could not check.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { check } from './check';
import { CannotCheck, Invalid } from './verdict';
import { newWitnessKey, parseKeyFile, witness, type WitnessState } from './witness';

const USAGE = `usage:
  dbwe-verify check <graph-url> <neighbourhood slug or id> [--checkpoint <file>] [--save-checkpoint <file>]
      [--vkey <log verifier key>] [--quick] [--entry <sequence>]... [--export <export URL or folder>]
      [--witness <witness verifier key>]...
  dbwe-verify witness <graph-url> <neighbourhood slug or id> --key <file> --name <witness name> --state <file>
      [--vkey <log verifier key>]
  dbwe-verify witness-key --name <witness name> --out <file>
exit codes: 0 valid, 1 invalid, 2 could not check`;

interface Parsed {
  positional: string[];
  flags: Map<string, string[]>;
}

const VALUE_FLAGS = new Set(['checkpoint', 'save-checkpoint', 'vkey', 'entry', 'export', 'key', 'name', 'state', 'out', 'witness']);
const BOOLEAN_FLAGS = new Set(['quick', 'help']);

function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (BOOLEAN_FLAGS.has(name)) {
      flags.set(name, ['true']);
    } else if (VALUE_FLAGS.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new CannotCheck(`--${name} needs a value`);
      flags.set(name, [...(flags.get(name) ?? []), value]);
    } else {
      throw new CannotCheck(`unknown option --${name}`);
    }
  }
  return { positional, flags };
}

function one(p: Parsed, name: string, required: true): string;
function one(p: Parsed, name: string, required?: false): string | undefined;
function one(p: Parsed, name: string, required = false): string | undefined {
  const values = p.flags.get(name) ?? [];
  if (values.length > 1) throw new CannotCheck(`--${name} is given more than once`);
  if (required && values.length === 0) throw new CannotCheck(`--${name} is required`);
  return values[0];
}

function readText(path: string, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch (error) {
    throw new CannotCheck(`cannot read the ${what} ${path}: ${(error as Error).message}`);
  }
}

/** Writes through a temporary file, so an interrupted run never leaves half a checkpoint or state behind. */
function writeAtomically(path: string, text: string, mode = 0o644): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, path);
}

function graphArgs(p: Parsed, command: string): [string, string] {
  const [url, neighbourhood, extra] = p.positional;
  if (!url || !neighbourhood || extra !== undefined) throw new CannotCheck(`${command} takes <graph-url> <neighbourhood slug or id>\n${USAGE}`);
  if (!/^https?:\/\//.test(url)) throw new CannotCheck(`not an http(s) URL: ${url}`);
  return [url, neighbourhood];
}

async function run(argv: string[], say: (line: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  const p = parseArgs(rest);
  if (!command || command === '--help' || command === 'help' || p.flags.has('help')) {
    say(USAGE);
    return command ? 0 : 2;
  }
  switch (command) {
    case 'check': {
      const [graphUrl, neighbourhood] = graphArgs(p, 'check');
      const entries = (p.flags.get('entry') ?? []).map((s) => {
        if (!/^[1-9][0-9]*$/.test(s)) throw new CannotCheck(`--entry takes a sequence number, not ${s}`);
        return Number(s);
      });
      const kept = one(p, 'checkpoint');
      const save = one(p, 'save-checkpoint');
      const result = await check(
        {
          graphUrl,
          neighbourhood,
          keptCheckpoint: kept === undefined ? undefined : readText(kept, 'checkpoint'),
          vkey: one(p, 'vkey'),
          quick: p.flags.has('quick'),
          entries,
          exportLocation: one(p, 'export'),
          witnesses: p.flags.get('witness') ?? [],
        },
        say,
      );
      if (save) {
        writeAtomically(save, result.checkpointNote);
        say(`checkpoint saved to ${save}`);
      }
      say(result.verdict);
      return 0;
    }
    case 'witness': {
      const [graphUrl, neighbourhood] = graphArgs(p, 'witness');
      const key = parseKeyFile(readText(one(p, 'key', true), 'witness key'));
      const name = one(p, 'name', true);
      if (name !== key.name) throw new CannotCheck(`the key file is for the witness ${key.name}, not ${name}`);
      const statePath = one(p, 'state', true);
      let state: WitnessState | null = null;
      if (existsSync(statePath)) {
        try {
          state = JSON.parse(readText(statePath, 'state')) as WitnessState;
        } catch (error) {
          if (error instanceof CannotCheck) throw error;
          throw new CannotCheck(`the state file ${statePath} is not JSON`);
        }
      }
      const result = await witness({ graphUrl, neighbourhood, key, state, vkey: one(p, 'vkey'), now: () => Date.now() }, say);
      writeAtomically(statePath, JSON.stringify(result.state, null, 2) + '\n');
      say(result.verdict);
      return 0;
    }
    case 'witness-key': {
      const name = one(p, 'name', true);
      const out = one(p, 'out', true);
      if (existsSync(out)) throw new CannotCheck(`${out} exists; a witness key is never overwritten`);
      const key = newWitnessKey(name);
      writeFileSync(out, key.file, { mode: 0o600, flag: 'wx' });
      say(`witness key written to ${out} (keep it secret); its verifier key, for the neighbourhood's admin to register:`);
      say(key.vkey);
      return 0;
    }
    default:
      throw new CannotCheck(`unknown command ${command}\n${USAGE}`);
  }
}

/** Runs the command line; exported for tests that drive it in-process. */
export async function main(argv: string[], out: (line: string) => void = (l) => process.stdout.write(l + '\n'), err: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<number> {
  try {
    return await run(argv, out);
  } catch (error) {
    if (error instanceof Invalid) {
      out(`INVALID: ${error.message}`);
      return 1;
    }
    if (error instanceof CannotCheck) {
      err(`CANNOT CHECK: ${error.message}`);
      return 2;
    }
    err(`CANNOT CHECK: unexpected failure: ${error instanceof Error ? error.stack : String(error)}`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
