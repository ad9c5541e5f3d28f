import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sink } from '../types.js';
import { createSink, parseSinkUrl, type SinkConfig } from './index.js';

const ctx = { productVersion: '0.1.0', hostname: 'test-host' };
const env = { T: 'token-value', S: 'webhook-secret-0123456789' };

describe('createSink', () => {
  const sinks: Sink[] = [];
  let dir: string | undefined;
  afterEach(async () => {
    for (const sink of sinks.splice(0)) await sink.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('builds a sink of every kind with the config id, without contacting anything', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bulwark-sinks-'));
    const urls = [
      `file://${join(dir, 'events.jsonl')}`,
      'syslog+udp://127.0.0.1:9',
      'syslog+tcp://127.0.0.1:9',
      'syslog+tls://127.0.0.1:9',
      'splunk-hec+http://127.0.0.1:9?token_env=T',
      'webhook+http://127.0.0.1:9/in?secret_env=S',
      'otlp+http://127.0.0.1:9',
    ];
    for (const url of urls) {
      const config = parseSinkUrl(url, env);
      const sink = await createSink(config, ctx);
      sinks.push(sink);
      expect(sink.id).toBe(config.id);
      expect(typeof sink.send).toBe('function');
    }
  });

  it('throws TypeError for a config that is not one (a caller mistake)', async () => {
    await expect(createSink({ kind: 'carrier-pigeon' } as unknown as SinkConfig, ctx)).rejects.toThrow(TypeError);
  });
});
