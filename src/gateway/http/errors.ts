// OpenAI-style error responses: {"error": {"message", "type", "param", "code"}} with the gateway's headers.
import type { ServerResponse } from 'node:http';

export interface ErrorBody {
  message: string;
  type: string;
  code: string | null;
  param?: string | null;
}

export function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string | number> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendError(res: ServerResponse, status: number, error: ErrorBody, headers: Record<string, string | number> = {}): void {
  sendJson(res, status, JSON.stringify({ error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code } }), headers);
}
