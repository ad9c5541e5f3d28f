// End-to-end tests of `bulwark events query|tail|purge|dead-letters` in a temporary BULWARK_HOME, in-process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEvent, type NewEvent } from '../core/event.js';
import type { Finding } from '../core/finding.js';
import { createRegistry } from '../gateway/detector-api/registry.js';
import { openStore, type Store } from '../store/db.js';
import { memoryIo, type MemoryIoOptions } from '../../test/fixtures/memory-io.js';
import type { CommandContext } from './command-context.js';
import { parseTimeArg, registerEventsCommand } from './events.js';
import { csvField } from './events-format.js';

let home: string;
const stores: Store[] = [];

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'bulwark-events-'));
  vi.stubEnv('BULWARK_HOME', home);
  vi.stubEnv('BULWARK_DATABASE_URL', '');
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  vi.unstubAllEnvs();
  rmSync(home, { recursive: true, force: true });
});

function run(args: string[], ioOptions: MemoryIoOptions = {}, shutdown?: AbortSignal) {
  const io = memoryIo({ cwd: home, ...ioOptions });
  let code = 0;
  const ctx: CommandContext = { registry: createRegistry([]), io, setExitCode: (c) => (code = c), ...(shutdown ? { shutdown } : {}) };
  const program = new Command('bulwark').exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerEventsCommand(program, ctx);
  const done = (async () => {
    try {
      await program.parseAsync(['node', 'bulwark', 'events', ...args], { from: 'node' });
    } catch (e) {
      if (!(e instanceof CommanderError)) throw e;
      code = e.exitCode === 0 ? 0 : 64;
    }
    return { code, out: io.out(), err: io.err() };
  })();
  return Object.assign(done, { io });
}

async function store(): Promise<Store> {
  const s = await openStore({ url: join(home, 'bulwark.db'), keys: { refreshIntervalMs: 0 } });
  stores.push(s);
  return s;
}

const finding = (detector: string, category: string): Finding => ({ detector, category, score: 0.9, severity: 'high', tags: {} });
const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);

async function seed(): Promise<Store> {
  const s = await store();
  const add = (e: Partial<NewEvent>) => s.events.append(createEvent({ kind: 'detection', source: 'guard', decision: 'allow', ...e }));
  add({ time: at(300), requestId: 'old', principal: 'team-a' });
  add({ time: at(50), requestId: 'inj', principal: 'team-a', decision: 'block', findings: [finding('prompt-injection', 'jailbreak')] });
  add({ time: at(40), requestId: 'pii', principal: '=HYPERLINK("http://x")', decision: 'redact', findings: [finding('pii', 'email')] });
  add({ time: at(30), requestId: 'auth', kind: 'auth', decision: 'block', principal: 'team-b' });
  await s.events.flush();
  return s;
}

function jsonLines(out: string): { requestId?: string; seq: number; principal?: string }[] {
  return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { requestId?: string; seq: number });
}

describe('events query', () => {
  it('prints matching events oldest first as JSON lines, filtered in SQL and on findings', async () => {
    await seed();
    const all = await run(['query']);
    expect(all.code).toBe(0);
    expect(jsonLines(all.out).map((e) => e.requestId)).toEqual(['old', 'inj', 'pii', 'auth']);
    expect((await run(['query', '--since', '1h'])).out).not.toContain('"old"');
    expect(jsonLines((await run(['query', '--since', '1h', '--limit', '2'])).out).map((e) => e.requestId)).toEqual(['pii', 'auth']);
    expect(jsonLines((await run(['query', '--decision', 'block'])).out).map((e) => e.requestId)).toEqual(['inj', 'auth']);
    expect(jsonLines((await run(['query', '--kind', 'auth'])).out).map((e) => e.requestId)).toEqual(['auth']);
    expect(jsonLines((await run(['query', '--principal', 'team-a'])).out).map((e) => e.requestId)).toEqual(['old', 'inj']);
    expect(jsonLines((await run(['query', '--request-id', 'pii'])).out).map((e) => e.requestId)).toEqual(['pii']);
    expect(jsonLines((await run(['query', '--request-id', 'old', '--since', '1h'])).out)).toEqual([]);
    expect(jsonLines((await run(['query', '--detector', 'pii', 'prompt-injection'])).out).map((e) => e.requestId)).toEqual(['inj', 'pii']);
    expect(jsonLines((await run(['query', '--category', 'email'])).out).map((e) => e.requestId)).toEqual(['pii']);
    const until = at(45).toISOString();
    expect(jsonLines((await run(['query', '--until', until])).out).map((e) => e.requestId)).toEqual(['old', 'inj']);
  });

  it('writes CSV that a spreadsheet cannot run as a formula', async () => {
    await seed();
    const r = await run(['query', '--format', 'csv', '--detector', 'pii']);
    const [header, row] = r.out.trim().split('\r\n').join('\n').split('\n');
    expect(header).toBe('seq,time,id,kind,source,decision,severity,stage,principal,request_id,detectors,categories,findings');
    expect(row).toContain(`,"'=HYPERLINK(""http://x"")",pii,pii,email,1`);
  });

  it('prints a table on a terminal, with control characters made visible', async () => {
    const s = await store();
    s.events.append(createEvent({ kind: 'auth', source: 'guard', decision: 'block', principal: 'evil\u001b[2J' }));
    await s.events.flush();
    const r = await run(['query'], { stdoutIsTTY: true });
    expect(r.out.split('\n')[0]).toMatch(/^SEQ\s+TIME\s+KIND\s+DECISION\s+SEVERITY\s+PRINCIPAL\s+DETECTORS\s+REQUEST$/);
    expect(r.out).toContain('evil\\u{1b}[2J');
    expect(r.out).not.toContain('\u001b');
    expect((await run(['query', '--kind', 'scan'], { stdoutIsTTY: true })).err).toContain('no matching events');
  });

  it('refuses bad times, kinds and limits with exit 64', async () => {
    expect((await run(['query', '--since', 'yesterday'])).code).toBe(64);
    expect((await run(['query', '--kind', 'nope'])).code).toBe(64);
    expect((await run(['query', '--limit', '0'])).code).toBe(64);
    expect((await run(['query', '--format', 'xml'])).code).toBe(64);
  });

  it('reads times as durations back from now or ISO dates', () => {
    const now = Date.parse('2030-01-01T12:00:00Z');
    expect(parseTimeArg('1h', now).toISOString()).toBe('2030-01-01T11:00:00.000Z');
    expect(parseTimeArg('2029-12-31T00:00:00Z', now).toISOString()).toBe('2029-12-31T00:00:00.000Z');
    expect(parseTimeArg('2029-12-31', now).toISOString()).toBe('2029-12-31T00:00:00.000Z');
    expect(() => parseTimeArg('March', now)).toThrow();
  });
});

describe('csv fields', () => {
  /** An RFC 4180 reader for one field. */
  function readField(text: string): string {
    return text.startsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text;
  }

  it('round-trip through RFC 4180 quoting, and never start with a formula character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (value) => {
        const field = csvField(value);
        const read = readField(field);
        expect(/^[=+\-@\t\r]/.test(read)).toBe(false);
        expect(read === value || read === `'${value}`).toBe(true);
        if (!field.startsWith('"')) expect(/[",\r\n]/.test(field)).toBe(false);
      }),
    );
  });
});

describe('events tail', () => {
  it('prints the last events, then follows new ones that match until stopped', async () => {
    const s = await seed();
    expect(jsonLines((await run(['tail', '-n', '2', '--no-follow'])).out).map((e) => e.requestId)).toEqual(['pii', 'auth']);
    // Following: the last blocked event, then every blocked one stored from now on, and nothing else.
    const follow = new AbortController();
    const following = run(['tail', '-n', '1', '--interval', '10', '--decision', 'block'], {}, follow.signal);
    // The recent events are printed once the tail has fixed its starting point: write only after that.
    for (let i = 0; i < 300 && !following.io.out().includes('"auth"'); i++) await new Promise((r) => setTimeout(r, 10));
    for (const [decision, requestId] of [['allow', 'a1'], ['block', 'b1'], ['block', 'b2']] as const) {
      s.events.append(createEvent({ kind: 'limit', source: 'guard', decision, requestId }));
    }
    await s.events.flush();
    for (let i = 0; i < 300 && !following.io.out().includes('"b2"'); i++) await new Promise((r) => setTimeout(r, 10));
    follow.abort();
    const r = await following;
    expect(r.code).toBe(0);
    expect(jsonLines(r.out).map((e) => e.requestId)).toEqual(['auth', 'b1', 'b2']);
  });
});

describe('events purge and dead-letters', () => {
  it('deletes old events, warning about undelivered ones', async () => {
    const s = await seed();
    await s.db.insertInto('sink_cursors').values({ sink_id: 'syslog+tcp://siem:601', seq: 0, updated_at: new Date().toISOString() }).execute();
    const r = await run(['purge', '--older-than', '2h']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^deleted 1 events older than 2h \(before .+\), 0 dead letters\n$/);
    expect(r.err).toBe('warning: 1 of them had not been delivered to every sink yet\n');
    expect(jsonLines((await run(['query'])).out).map((e) => e.requestId)).toEqual(['inj', 'pii', 'auth']);
    expect((await run(['purge'])).code).toBe(64);
    expect((await run(['purge', '--older-than', 'soon'])).code).toBe(64);
  });

  it('lists dead letters', async () => {
    const s = await store();
    await s.db.insertInto('dead_letters').values({ sink_id: 'webhook+https://x/y', seq: 7, event_id: 'e-7', error: 'receiver answered 400', failed_at: '2030-01-01T00:00:00.000Z' }).execute();
    const r = await run(['dead-letters', '--json']);
    expect(JSON.parse(r.out)).toMatchObject({ sinkId: 'webhook+https://x/y', seq: 7, eventId: 'e-7', error: 'receiver answered 400' });
    expect((await run(['dead-letters', '--sink', 'other'], { stdoutIsTTY: true })).err).toBe('no dead letters\n');
  });

  it('reports a store it cannot open with exit 74', async () => {
    writeFileSync(join(home, 'file'), '');
    const r = await run(['query', '--db', join(home, 'file', 'sub.db')]);
    expect(r.code).toBe(74);
    expect(r.err).toMatch(/^bulwark: opening the store .* failed/);
  });
});
