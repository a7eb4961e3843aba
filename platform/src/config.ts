/**
 * Configuration is read from the environment once, at start-up, into a typed
 * object. A missing or malformed variable raises a ConfigError that names it,
 * so the process can stop with one clear line instead of a stack trace.
 */

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export interface Setting<T> {
  read(env: Env, name: string): T;
}

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function required<T>(name: string, value: T | undefined): T {
  if (value === undefined) throw new ConfigError(`${name} is required but not set`);
  return value;
}

export const setting = {
  string(fallback?: string): Setting<string> {
    return { read: (env, name) => required(name, raw(env, name) ?? fallback) };
  },
  optionalString(): Setting<string | undefined> {
    return { read: (env, name) => raw(env, name) };
  },
  url(fallback?: string): Setting<string> {
    return {
      read(env, name) {
        const value = required(name, raw(env, name) ?? fallback);
        parseUrl(name, value);
        return value;
      },
    };
  },
  optionalUrl(): Setting<string | undefined> {
    return {
      read(env, name) {
        const value = raw(env, name);
        if (value !== undefined) parseUrl(name, value);
        return value;
      },
    };
  },
  integer(fallback: number, bounds: { min?: number; max?: number } = {}): Setting<number> {
    return {
      read(env, name) {
        const text = raw(env, name);
        if (text === undefined) return fallback;
        if (!/^-?\d+$/.test(text)) throw new ConfigError(`${name} must be a whole number, got "${text}"`);
        const value = Number(text);
        if (bounds.min !== undefined && value < bounds.min) throw new ConfigError(`${name} must be at least ${bounds.min}, got ${value}`);
        if (bounds.max !== undefined && value > bounds.max) throw new ConfigError(`${name} must be at most ${bounds.max}, got ${value}`);
        return value;
      },
    };
  },
  boolean(fallback: boolean): Setting<boolean> {
    return {
      read(env, name) {
        const text = raw(env, name)?.toLowerCase();
        if (text === undefined) return fallback;
        if (['1', 'true', 'yes', 'on'].includes(text)) return true;
        if (['0', 'false', 'no', 'off'].includes(text)) return false;
        throw new ConfigError(`${name} must be true or false, got "${text}"`);
      },
    };
  },
  oneOf<T extends string>(values: readonly T[], fallback: T): Setting<T> {
    return {
      read(env, name) {
        const text = raw(env, name) ?? fallback;
        if (!values.includes(text as T)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${text}"`);
        return text as T;
      },
    };
  },
  /** A setting that was replaced: set, it stops the process with a line naming what to set instead. */
  retired(replacement: string): Setting<undefined> {
    return {
      read(env, name) {
        if (raw(env, name) !== undefined) throw new ConfigError(`${name} is no longer read and must be removed: ${replacement}`);
        return undefined;
      },
    };
  },
  /** A comma-separated list; blanks around entries and empty entries are dropped. */
  list(fallback: string[] = []): Setting<string[]> {
    return {
      read(env, name) {
        const text = raw(env, name);
        return text === undefined ? fallback : text.split(',').map((e) => e.trim()).filter(Boolean);
      },
    };
  },
  secret(minLength = 32): Setting<string> {
    return {
      read(env, name) {
        const value = required(name, raw(env, name));
        if (value.length < minLength) throw new ConfigError(`${name} must be at least ${minLength} characters long`);
        return value;
      },
    };
  },
};

function parseUrl(name: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid URL: "${value}"`);
  }
}

export type Spec = Record<string, Setting<unknown>>;
type Parsed<S extends Spec> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** Reads every setting of the spec; reports all problems at once. */
export function parseConfig<S extends Spec>(spec: S, env: Env = process.env): Parsed<S> {
  const result: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, s] of Object.entries(spec)) {
    try {
      result[name] = s.read(env, name);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return result as Parsed<S>;
}

/** Settings every service reads. */
export const commonSettings = {
  NODE_ENV: setting.oneOf(['development', 'production', 'test'] as const, 'development'),
  LOG_LEVEL: setting.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  HOST: setting.string('127.0.0.1'),
  // One secret shared by the gateway and every subgraph could mint any member (issue 17); refused, so none is left behind.
  INTERNAL_ASSERTION_SECRET: setting.retired(
    'the gateway signs identity assertions with GATEWAY_ASSERTION_PRIVATE_KEY, subgraphs check them with GATEWAY_ASSERTION_PUBLIC_KEY, ' +
      'and each subgraph has a SERVICE_ASSERTION_PRIVATE_KEY of its own (README, "Configuration")',
  ),
};
