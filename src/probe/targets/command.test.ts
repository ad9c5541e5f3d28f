// Command targets with real processes (`node -e` scripts): stdin to stdout, JSON input, exit status, timeouts,
// bounded output and programs that do not exist.
import { describe, expect, it } from 'vitest';
import type { TargetRequest } from '../types.js';
import { createTarget } from './create-target.js';

const node = process.execPath;
const signal = new AbortController().signal;
const req: TargetRequest = { system: 'S', messages: [{ role: 'user', content: 'héllo "world"' }] };

async function send(command: string[], extra: Record<string, unknown> = {}, request = req) {
  const t = await createTarget({ type: 'command', command, ...extra } as never);
  try {
    return await t.send(request, signal);
  } finally {
    await t.close();
  }
}

const UPPER = "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write(s.toUpperCase()+'\\n'))";

describe('command target', () => {
  it('writes the prompt to stdin and answers with stdout (final newline dropped)', async () => {
    const r = await send([node, '-e', UPPER]);
    expect(r).toMatchObject({ text: 'HÉLLO "WORLD"' });
    expect(r.error).toBeUndefined();
  });

  it('writes the whole request as JSON with input: json', async () => {
    const script = "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);process.stdout.write(r.system+'|'+r.messages.length)})";
    expect((await send([node, '-e', script], { input: 'json' })).text).toBe('S|1');
  });

  it('passes arguments without a shell', async () => {
    expect((await send([node, '-e', 'process.stdout.write(process.argv[1])', '$(echo pwned); `id`'])).text).toBe('$(echo pwned); `id`');
  });

  it('makes a non-zero exit an error carrying the end of stderr', async () => {
    const r = await send([node, '-e', "process.stderr.write('model crashed');process.exit(3)"]);
    expect(r.error).toEqual({ code: 'command_failed', message: 'the command exited with status 3: model crashed' });
  });

  it('kills a command that runs past its timeout', async () => {
    const r = await send([node, '-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 300 });
    expect(r.error).toMatchObject({ code: 'timeout' });
  });

  it('stops reading at maxOutputBytes', async () => {
    const r = await send([node, '-e', "process.stdout.write('x'.repeat(100000))"], { maxOutputBytes: 1000 });
    expect(r.error).toMatchObject({ code: 'output_too_large' });
  });

  it('answers with an error for a program that does not exist, and one that ignores stdin', async () => {
    expect((await send(['/nonexistent/probe-bot'])).error).toMatchObject({ code: 'command_failed', message: expect.stringContaining('ENOENT') });
    const big: TargetRequest = { messages: [{ role: 'user', content: 'y'.repeat(2_000_000) }] };
    expect((await send([node, '-e', "process.stdout.write('ok')"], {}, big)).text).toBe('ok');
  });

  it('is local: no endpoints', async () => {
    const t = await createTarget({ type: 'command', command: [node, '-e', ''] });
    expect(t.endpoints).toEqual([]);
    expect(t.id).toBe(`command:${node} -e `);
  });
});
