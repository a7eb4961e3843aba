import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from 'pino';

/**
 * The closed set of codes for protocol and access failures. Expected domain
 * outcomes (an unbalanced entry, an illegal transition) are not errors: they
 * are result types in the schema.
 */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  RATE_LIMITED: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const httpStatus: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

export function graphQLError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const unauthenticated = (message = 'Sign in to do this.') => graphQLError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message: string) => graphQLError(ErrorCode.FORBIDDEN, message);
export const badInput = (message: string, field?: string) =>
  graphQLError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
export const notFound = (message: string) => graphQLError(ErrorCode.NOT_FOUND, message);

/** An error thrown before GraphQL execution (e.g. while building the context) that carries an HTTP status. */
export function httpError(code: ErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: httpStatus[code] } } });
}

/** Codes that Apollo Server itself produces for protocol failures; they are safe to pass on. */
const apolloProtocolCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

const knownCodes = new Set<string>([...Object.values(ErrorCode), ...apolloProtocolCodes]);

/**
 * Passes known errors through and masks everything else: the client gets a
 * generic message, the log gets the full error.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && knownCodes.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      const { stacktrace: _omitted, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    // Apollo Server words some protocol refusals without a code, but with a 4xx status (an APQ hash
    // that does not match its query): the client's mistake, said as it is.
    if (code === undefined || code === ErrorCode.INTERNAL_SERVER_ERROR) {
      const status = error instanceof GraphQLError ? (error.extensions.http as { status?: unknown } | undefined)?.status : undefined;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: 'BAD_REQUEST' } };
      }
    }
    // At the gateway an error may come from a subgraph: keep its name, never its details.
    const serviceName = formatted.extensions?.serviceName;
    logger.error({ err: unwrapResolverError(error), path: formatted.path, serviceName }, 'unexpected error');
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...(typeof serviceName === 'string' ? { serviceName } : {}) },
    };
  };
}
