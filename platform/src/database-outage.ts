/**
 * Whether an error means the database cannot be reached or is going away
 * (stopped, restarting, refusing connections), as opposed to a fault in a
 * query. The driver reports these as socket errors, its own messages, or
 * SQLSTATEs of class 08 (connection exception) and 57P (operator
 * intervention); TypeORM wraps them, sometimes twice.
 */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const SQLSTATES = /^(08...|57P01|57P02|57P03|53300)$/;
const DRIVER_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|the database system is (starting up|shutting down|in recovery mode)|is not currently accepting connections/i;

export function databaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown; thrownValue?: unknown };
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || SQLSTATES.test(e.code))) return true;
  if (typeof e.message === 'string' && DRIVER_MESSAGES.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => databaseUnavailable(inner, depth + 1))) return true;
  // graphql-js wraps a thrown non-Error (pg rejects some connection failures with a plain object) as thrownValue.
  return databaseUnavailable(e.driverError, depth + 1) || databaseUnavailable(e.cause, depth + 1) || databaseUnavailable(e.thrownValue, depth + 1);
}
