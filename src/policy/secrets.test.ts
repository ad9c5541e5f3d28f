// Tests of resolving upstream credentials: env and file sources, and errors that never contain the value.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SECRET_FILE_BYTES, resolveSecret, resolveUpstreamKeys } from './secrets.js';

const VALUE = 'sk-test-0123456789abcdefSECRET';

describe('resolveSecret', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bulwark-secrets-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads an environment variable', async () => {
    expect(await resolveSecret({ env: 'UP_KEY' }, { env: { UP_KEY: VALUE } })).toBe(VALUE);
  });

  it('refuses an unset or empty variable, naming it', async () => {
    await expect(resolveSecret({ env: 'UP_KEY' }, { env: {} })).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID', message: 'environment variable UP_KEY is not set or empty' });
    await expect(resolveSecret({ env: 'UP_KEY' }, { env: { UP_KEY: '' } })).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
  });

  it('reads a file without its trailing newline, relative to cwd', async () => {
    await writeFile(join(dir, 'key'), `${VALUE}\n`);
    expect(await resolveSecret({ file: 'key' }, { cwd: dir })).toBe(VALUE);
    await writeFile(join(dir, 'crlf'), `${VALUE}\r\n`);
    expect(await resolveSecret({ file: join(dir, 'crlf') })).toBe(VALUE);
  });

  it('refuses missing, empty and oversized files without quoting their content', async () => {
    await expect(resolveSecret({ file: join(dir, 'missing') })).rejects.toMatchObject({ message: expect.stringContaining('ENOENT') });
    await writeFile(join(dir, 'empty'), '\n');
    await expect(resolveSecret({ file: join(dir, 'empty') })).rejects.toMatchObject({ message: expect.stringContaining('is empty') });
    await writeFile(join(dir, 'big'), VALUE.repeat(Math.ceil((MAX_SECRET_FILE_BYTES + 10) / VALUE.length)));
    const err = await resolveSecret({ file: join(dir, 'big') }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('larger than') });
    expect(JSON.stringify(err)).not.toContain(VALUE);
    if (existsSync('/dev/zero')) await expect(resolveSecret({ file: '/dev/zero' })).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
  });
});

describe('resolveUpstreamKeys', () => {
  it('resolves the upstreams that have a key and names the upstream on failure', async () => {
    const upstreams = [
      { name: 'a', url: 'http://h/v1', models: ['*'], apiKey: { env: 'A_KEY' }, timeoutMs: 1 },
      { name: 'b', url: 'http://h/v1', models: ['*'], timeoutMs: 1 },
    ];
    const keys = await resolveUpstreamKeys(upstreams, { env: { A_KEY: VALUE } });
    expect([...keys]).toEqual([['a', VALUE]]);
    const err = await resolveUpstreamKeys(upstreams, { env: {} }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_CONFIG_INVALID', message: 'upstream a: apiKey: environment variable A_KEY is not set or empty', context: { upstream: 'a' } });
  });
});
