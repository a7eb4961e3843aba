import type { ServerResponse } from 'node:http';

/** Errors of the REST endpoints as RFC 9457 problem details. */
export function sendProblem(res: ServerResponse, status: number, title: string, detail: string, instance?: string): void {
  // about:blank: the title is the HTTP status phrase and the detail says what went wrong.
  const body = JSON.stringify({
    type: 'about:blank',
    title,
    status,
    detail,
    ...(instance ? { instance } : {}),
  });
  res.writeHead(status, {
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'api-version': EXPORT_API_VERSION,
  });
  res.end(body);
}

/**
 * Semantic: 1.2.0 added the excel dialect, the xlsx workbooks and the SROI unit and exact columns; 1.3.0 the
 * neighbourhood budget tables, the annual accounts (PDF, xlsx) and the entries' closesYear and openingBalances columns;
 * 1.4.0 the lessons, lesson_themes and lesson_media tables (all additive).
 */
export const EXPORT_API_VERSION = '1.4.0';
