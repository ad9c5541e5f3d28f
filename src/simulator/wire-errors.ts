// OpenAI-shaped error responses of the simulator: {"error":{"message","type","param","code"}} with the HTTP status.
import type { ServerResponse } from 'node:http';

export interface WireError {
  status: number;
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

export function wireError(status: number, message: string, param: string | null = null, code: string | null = null): WireError {
  return { status, message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param, code };
}

export function errorBody(e: WireError): string {
  return JSON.stringify({ error: { message: e.message, type: e.type, param: e.param, code: e.code } });
}

/**
 * Sends `e` unless headers already went out. `close` adds Connection: close, for answers sent before the request body
 * was read (413): the rest of that body must not be parsed as the next request.
 */
export function sendError(res: ServerResponse, e: WireError, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorBody(e);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  };
  if (close) headers.connection = 'close';
  res.writeHead(e.status, headers);
  res.end(body);
}

export const INVALID_JSON = wireError(
  400,
  'We could not parse the JSON body of your request. The simulator expects a JSON object.',
  null,
  'invalid_json',
);

export const INVALID_UTF8 = wireError(400, 'The request body is not valid UTF-8.', null, 'invalid_encoding');
