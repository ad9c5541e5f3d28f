// The default advisory folder.
import { describe, expect, it } from 'vitest';
import { defaultOsvDir } from './osv-dir.js';

describe('defaultOsvDir', () => {
  it('prefers BULWARK_OSV_DIR, then an absolute XDG_CACHE_HOME, then ~/.cache', () => {
    expect(defaultOsvDir({ BULWARK_OSV_DIR: '/data/osv', XDG_CACHE_HOME: '/c' }, '/home/u')).toBe('/data/osv');
    expect(defaultOsvDir({ XDG_CACHE_HOME: '/c' }, '/home/u')).toBe('/c/bulwark/osv');
    expect(defaultOsvDir({ XDG_CACHE_HOME: 'relative' }, '/home/u')).toBe('/home/u/.cache/bulwark/osv');
    expect(defaultOsvDir({ BULWARK_OSV_DIR: '  ' }, '/home/u')).toBe('/home/u/.cache/bulwark/osv');
  });
});
