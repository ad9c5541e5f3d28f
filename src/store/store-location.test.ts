// Tests of store URL, BULWARK_DATABASE_URL and BULWARK_HOME resolution.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactUrl, resolveStoreLocation, resolveStoreTarget } from './store-location.js';

const cwd = '/srv/app';

describe('resolveStoreLocation', () => {
  it('defaults to ./.bulwark/bulwark.db, or $BULWARK_HOME/bulwark.db', () => {
    expect(resolveStoreLocation({ cwd, env: {} })).toEqual({ dialect: 'sqlite', path: join(cwd, '.bulwark', 'bulwark.db') });
    expect(resolveStoreLocation({ cwd, env: { BULWARK_HOME: '/var/lib/bulwark' } })).toEqual({
      dialect: 'sqlite',
      path: '/var/lib/bulwark/bulwark.db',
    });
    expect(resolveStoreLocation({ cwd, env: { BULWARK_HOME: 'state' } })).toEqual({ dialect: 'sqlite', path: join(cwd, 'state', 'bulwark.db') });
    expect(resolveStoreLocation({ cwd, env: { BULWARK_HOME: '  ' } })).toEqual({ dialect: 'sqlite', path: join(cwd, '.bulwark', 'bulwark.db') });
  });

  it.each([
    [':memory:', { dialect: 'sqlite', memory: true }],
    ['sqlite::memory:', { dialect: 'sqlite', memory: true }],
    ['sqlite:data/b.db', { dialect: 'sqlite', path: join(cwd, 'data/b.db') }],
    ['sqlite://data/b.db', { dialect: 'sqlite', path: join(cwd, 'data/b.db') }],
    ['sqlite:///tmp/b.db', { dialect: 'sqlite', path: '/tmp/b.db' }],
    ['/tmp/b.db', { dialect: 'sqlite', path: '/tmp/b.db' }],
    ['b.db', { dialect: 'sqlite', path: join(cwd, 'b.db') }],
    ['postgres://u@h/db', { dialect: 'postgres', url: 'postgres://u@h/db' }],
    ['postgresql://h:5433/db', { dialect: 'postgres', url: 'postgresql://h:5433/db' }],
  ])('%s', (url, expected) => {
    expect(resolveStoreLocation({ url, cwd, env: { BULWARK_HOME: '/ignored', BULWARK_DATABASE_URL: 'postgres://ignored/db' } })).toEqual(expected);
  });

  it('takes PostgreSQL from databaseUrl or BULWARK_DATABASE_URL, keeping the password out of the location', () => {
    const env = { BULWARK_HOME: '/ignored', BULWARK_DATABASE_URL: 'postgres://bw:s3cret@db.internal:5432/bulwark' };
    const target = resolveStoreTarget({ cwd, env });
    expect(target).toEqual({
      location: { dialect: 'postgres', url: 'postgres://bw:***@db.internal:5432/bulwark' },
      connectionString: 'postgres://bw:s3cret@db.internal:5432/bulwark',
    });
    expect(resolveStoreTarget({ cwd, env, databaseUrl: 'postgresql://x@h/other' }).connectionString).toBe('postgresql://x@h/other');
    expect(resolveStoreLocation({ cwd, env: { BULWARK_DATABASE_URL: ' ' } })).toEqual({ dialect: 'sqlite', path: join(cwd, '.bulwark', 'bulwark.db') });
  });

  it.each(['mysql://h/db', 'sqlite:'])('refuses %s with a config error', (url) => {
    expect(() => resolveStoreLocation({ url, cwd })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
  });

  it('masks passwords in URLs', () => {
    expect(redactUrl('postgres://u:p@h/db?sslmode=require&password=x')).toBe('postgres://u:***@h/db?sslmode=require&password=***');
    expect(redactUrl('postgres://h/db')).toBe('postgres://h/db');
    expect(redactUrl('postgres://u:p@[bad')).toBe('postgres://[unparsable URL]');
  });
});
