// GET /v1/models: the models of every upstream the caller may use, merged (OpenAI list format).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { modelAllowed } from '../auth/principal.js';
import type { GatewayDeps } from '../deps.js';
import { sendError, sendJson } from '../http/errors.js';
import { isFailure } from '../upstream.js';

export async function handleModels(deps: GatewayDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const auth = await deps.auth.authenticate(req);
  if (!auth.ok) {
    res.writeHead(auth.response.status, { ...auth.response.headers, 'x-bulwark-decision': 'block', 'content-length': Buffer.byteLength(auth.response.body) });
    res.end(auth.response.body);
    return;
  }
  const lists = await Promise.all(
    [...deps.upstreams.values()].map(async (u) => {
      const r = await u.get('/models');
      if (isFailure(r)) return [];
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of r.body) {
        size += c.length;
        if (size > 4 * 1024 * 1024) return [];
        chunks.push(Buffer.from(c));
      }
      if (r.status !== 200) return [];
      try {
        const data = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: { id?: unknown }[] }).data;
        return Array.isArray(data) ? data.filter((m) => typeof m?.id === 'string' && deps.config.routeModel(m.id as string)?.name === u.name) : [];
      } catch {
        return [];
      }
    }),
  );
  const data = lists.flat().filter((m) => modelAllowed(auth.principal, m.id as string));
  if (data.length === 0 && deps.upstreams.size > 0 && lists.every((l) => l.length === 0)) {
    sendError(res, 502, { type: 'upstream_error', code: 'upstream_unavailable', message: 'no upstream listed its models' });
    return;
  }
  sendJson(res, 200, JSON.stringify({ object: 'list', data }));
}
