import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs, one object per line, tagged with the service name. */
export function createLogger(service: string, level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}
