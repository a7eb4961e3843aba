import type { IncomingMessage } from 'node:http';
import { ConfigError, parseConfig, setting, type Setting } from './config';

/**
 * OpenTelemetry tracing: off unless the standard OTEL_* settings ask for it. The SDK reads every
 * OTEL_* variable itself (protocol, headers, sampler, batch delays); these are the ones that decide
 * whether it is loaded at all, and the ones the deployment files may set.
 */
const TRACE_EXPORTERS = ['otlp', 'console', 'zipkin', 'none'];

function exporterList(): Setting<string[]> {
  const list = setting.list();
  return {
    read(env, name) {
      const entries = list.read(env, name);
      const unknown = entries.filter((e) => !TRACE_EXPORTERS.includes(e));
      if (unknown.length > 0) throw new ConfigError(`${name} must list ${TRACE_EXPORTERS.join(', ')}, got "${unknown.join(', ')}"`);
      return entries;
    },
  };
}

export const telemetrySettings = {
  OTEL_SDK_DISABLED: setting.boolean(false),
  OTEL_TRACES_EXPORTER: exporterList(),
  OTEL_EXPORTER_OTLP_ENDPOINT: setting.optionalUrl(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: setting.optionalUrl(),
  /** Defaults to dbwe-<service> (dbwe-gateway, dbwe-ledger, …). */
  OTEL_SERVICE_NAME: setting.optionalString(),
};

export type TelemetryConfig = ReturnType<typeof parseConfig<typeof telemetrySettings>>;

/**
 * Traces only when asked for with an exporter or an OTLP endpoint, and not switched off. The SDK on
 * its own would export to localhost:4318 with no setting at all; here no setting means no SDK.
 */
export function tracingWanted(config: TelemetryConfig): boolean {
  if (config.OTEL_SDK_DISABLED || config.OTEL_TRACES_EXPORTER.includes('none')) return false;
  return config.OTEL_TRACES_EXPORTER.length > 0 || config.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined || config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined;
}

/** Probes and scrapes, many a minute, would be most of the traces and tell nothing. */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

let sdk: { shutdown(): Promise<void> } | null = null;

/**
 * Starts tracing for this process if the settings ask for it: spans for every HTTP request served
 * and sent (with W3C `traceparent` sent and read on each) and every SQL statement. It patches
 * node:http and pg as they are loaded, so it must run before anything else is imported: each
 * entry point imports its `tracing.ts` first. Returns whether tracing runs.
 */
export function startTracing(service: string, env: Record<string, string | undefined> = process.env): boolean {
  let config: TelemetryConfig;
  try {
    config = parseConfig(telemetrySettings, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${service}: configuration error: ${error.message}\n`);
    process.exit(1);
  }
  if (!tracingWanted(config)) return false;
  // Loaded only here: with tracing off, none of the SDK is ever read from disk. A synchronous
  // require, as the patching must be in place before the entry point's other imports run.
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const started = new NodeSDK({
    ...(config.OTEL_SERVICE_NAME ? {} : { serviceName: `dbwe-${service}` }),
    // Traces only: metrics are prom-client's (/metrics) and logs pino's, which the SDK would otherwise also export.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) => UNTRACED_PATHS.has(new URL(req.url ?? '/', 'http://localhost').pathname),
        // A GraphQL GET carries its variables in the query string: what a member typed stays out of the spans.
        redactedQueryParamsServer: ['variables', 'extensions'],
      }),
      // Statements only, never their parameters (enhancedDatabaseReporting stays off); the
      // event engine's polling outside any request starts no traces of its own.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
    ],
  });
  started.start();
  sdk = started;
  return true;
}

/** Sends the spans still buffered; the process runner calls it before exiting. */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = null;
  await running?.shutdown();
}
