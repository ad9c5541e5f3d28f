// Tests of store URL and BULWARK_HOME resolution.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStoreLocation } from './store-location.js';

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
  ])('%s', (url, expected) => {
    expect(resolveStoreLocation({ url, cwd, env: { BULWARK_HOME: '/ignored' } })).toEqual(expected);
  });

  it.each(['postgres://u@h/db', 'postgresql://h/db', 'mysql://h/db', 'sqlite:'])('refuses %s with a config error', (url) => {
    expect(() => resolveStoreLocation({ url, cwd })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
  });
});
