import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// An ESM resolve hook (it sees every import, including a static one at the top of a module) that appends each
// @opentelemetry URL to a file, plus the CommonJS cache (what the CJS packages require among themselves).
const HOOK = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.includes('@opentelemetry')) appendFileSync(process.env.OTEL_LOAD_LOG, r.url + '\\n');
  return r;
}`;

const SCRIPT = `import { register, createRequire } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(process.env.OTEL_LOAD_HOOK));
for (const target of JSON.parse(process.env.OTEL_LOAD_TARGETS)) await import(target);
const cjs = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@opentelemetry'));
process.stdout.write(JSON.stringify(cjs));`;

/** Imports `targets` in a fresh Node process (with tsx, as the tests run) and names the OTel packages it loaded. */
async function otelLoadedBy(targets: string[]): Promise<string[]> {
  dir ??= await mkdtemp(join(tmpdir(), 'bulwark-lazy-'));
  const log = join(dir, `${Math.random().toString(36).slice(2)}.log`);
  const stdout = await new Promise<string>((ok, fail) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', SCRIPT],
      { cwd: root, timeout: 30_000, env: { ...process.env, OTEL_LOAD_LOG: log, OTEL_LOAD_HOOK: HOOK, OTEL_LOAD_TARGETS: JSON.stringify(targets) } },
      (err, out, errOut) => (err ? fail(new Error(`child failed: ${errOut}`)) : ok(out)),
    );
  });
  const esm = await readFile(log, 'utf8').catch(() => '');
  const paths = [...(JSON.parse(stdout) as string[]), ...esm.split('\n').filter(Boolean)];
  return [...new Set(paths.map((p) => /@opentelemetry[\\/]([^\\/]+)/.exec(p)?.[1] ?? p))].sort();
}

const file = (p: string) => pathToFileURL(join(root, p)).href;

describe('OpenTelemetry is loaded only when configured', () => {
  it('the detector sees a real import (control)', async () => {
    expect(await otelLoadedBy(['@opentelemetry/sdk-trace-base'])).toContain('sdk-trace-base');
  });

  it('importing the metrics, the OTel modules, the sinks or the gateway loads no OpenTelemetry SDK or exporter', async () => {
    const loaded = await otelLoadedBy([
      file('src/monitor/metrics.ts'),
      file('src/monitor/otel/tracing.ts'),
      file('src/monitor/otel/otlp-sink.ts'),
      file('src/monitor/sinks/index.ts'),
      file('src/gateway/server.ts'),
      file('src/gateway/start.ts'),
    ]);
    // prom-client itself requires @opentelemetry/api (the no-op API, for exemplars): the one package tolerated.
    expect(loaded.filter((p) => p !== 'api')).toEqual([]);
  });

  it('the OTel modules alone load nothing of OpenTelemetry, not even the API', async () => {
    expect(await otelLoadedBy([file('src/monitor/otel/tracing.ts'), file('src/monitor/otel/otlp-sink.ts')])).toEqual([]);
  });
});
