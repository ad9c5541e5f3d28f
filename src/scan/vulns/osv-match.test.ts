// The OSV evaluation algorithm over PEP 440 and SemVer orderings, with tricky versions and property tests.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedVersions, inRange, isAffected, type OsvAffected, type OsvEvent, type OsvRange } from './osv-match.js';
import { PEP440, SEMVER, sameVersion, schemeFor, sortVersions } from './versions.js';

const ev = (kind: OsvEvent['kind'], version: string): OsvEvent => ({ kind, version });
const eco = (...events: OsvEvent[]): OsvRange => ({ type: 'ECOSYSTEM', events });
const sem = (...events: OsvEvent[]): OsvRange => ({ type: 'SEMVER', events });

describe('PEP 440 ordering', () => {
  it('orders dev < pre < final < post, epochs first, local after public', () => {
    const ordered = ['1.0.0.dev1', '1.0.0a1', '1.0.0b2', '1.0.0rc1', '1.0.0', '1.0.0+cpu', '1.0.0.post1', '1.0.1', '2!0.1'];
    const shuffled = [...ordered].reverse();
    expect(sortVersions('PyPI', shuffled)).toEqual(ordered);
    expect(PEP440.compare('2!1.0', '99.0')).toBeGreaterThan(0);
    expect(PEP440.compare('1.0rc1', '1.0.0rc1')).toBe(0);
    expect(sameVersion('PyPI', '1.0', '1.0.0')).toBe(true);
    expect(sameVersion('PyPI', '2.5.1+cu121', '2.5.1')).toBe(false);
  });

  it('rejects what is not PEP 440', () => {
    expect(PEP440.valid('1.0-foo-bar')).toBe(false);
    expect(PEP440.valid('latest')).toBe(false);
    expect(PEP440.valid('x'.repeat(300))).toBe(false);
  });
});

describe('SemVer ordering', () => {
  it('puts prereleases before their release and ignores build metadata', () => {
    expect(sortVersions('npm', ['0.0.1', '0.0.1-alpha.10', '0.0.1-alpha.2', '0.0.1-alpha', '0.0.1-beta'])).toEqual([
      '0.0.1-alpha',
      '0.0.1-alpha.2',
      '0.0.1-alpha.10',
      '0.0.1-beta',
      '0.0.1',
    ]);
    expect(SEMVER.compare('1.0.0+build.5', '1.0.0')).toBe(0);
  });

  it('a SEMVER range over a PyPI version SemVer cannot read falls back to PEP 440', () => {
    expect(schemeFor('PyPI', 'SEMVER', '1.2.3')?.name).toBe('semver');
    expect(schemeFor('PyPI', 'SEMVER', '1.2rc1')?.name).toBe('pep440');
    expect(schemeFor('npm', 'ECOSYSTEM', 'not-a-version')).toBeUndefined();
  });
});

describe('inRange (OSV evaluation)', () => {
  it('introduced 0 / fixed: everything below the fix, PEP 440 pre and post releases included', () => {
    const r = eco(ev('introduced', '0'), ev('fixed', '2.6.0'));
    for (const v of ['0.1', '2.5.1', '2.5.1+cu121', '2.6.0rc1', '2.6.0.dev20241101', '2.6.0a0']) expect(inRange(v, 'PyPI', r), v).toBe(true);
    for (const v of ['2.6.0', '2.6.0+cpu', '2.6.0.post1', '2.6.1', '1!0.1']) expect(inRange(v, 'PyPI', r), v).toBe(false);
  });

  it('a post release fix excludes the release it follows from the safe side', () => {
    const r = eco(ev('introduced', '1.0.0'), ev('fixed', '1.0.0.post1'));
    expect(inRange('1.0.0', 'PyPI', r)).toBe(true);
    expect(inRange('1.0.0rc1', 'PyPI', r)).toBe(false);
    expect(inRange('1.0.0.post1', 'PyPI', r)).toBe(false);
  });

  it('epochs outrank any release number', () => {
    const r = eco(ev('introduced', '0'), ev('fixed', '5.0'));
    expect(inRange('2!1.0', 'PyPI', r)).toBe(false);
    expect(inRange('1!4.0', 'PyPI', r)).toBe(false);
    expect(inRange('4.9', 'PyPI', r)).toBe(true);
    const epoch = eco(ev('introduced', '1!0'), ev('fixed', '1!2.0'));
    expect(inRange('9.9', 'PyPI', epoch)).toBe(false);
    expect(inRange('1!1.5', 'PyPI', epoch)).toBe(true);
  });

  it('at one version, introduced goes first: [X, X] is X, [X, X) is empty', () => {
    expect(inRange('1.0', 'PyPI', eco(ev('last_affected', '1.0'), ev('introduced', '1.0')))).toBe(true);
    expect(inRange('1.1', 'PyPI', eco(ev('last_affected', '1.0'), ev('introduced', '1.0')))).toBe(false);
    expect(inRange('1.0', 'PyPI', eco(ev('fixed', '1.0'), ev('introduced', '1.0')))).toBe(false);
  });

  it('last_affected is inclusive, fixed exclusive', () => {
    const r = eco(ev('introduced', '2.0.0'), ev('last_affected', '2.9.2'));
    expect(inRange('2.9.2', 'PyPI', r)).toBe(true);
    expect(inRange('2.9.2.post1', 'PyPI', r)).toBe(false);
    expect(inRange('1.9', 'PyPI', r)).toBe(false);
  });

  it('several windows in one range, events in any order', () => {
    const r = eco(ev('fixed', '0.6.3.post1'), ev('introduced', '0.6.0rc1'), ev('fixed', '0.5.5'), ev('introduced', '0.5.0'));
    const hits = ['0.4.9', '0.5.0', '0.5.4', '0.5.5', '0.5.9', '0.6.0b1', '0.6.0rc1', '0.6.3', '0.6.3.post1', '0.7.0'].filter((v) => inRange(v, 'PyPI', r));
    expect(hits).toEqual(['0.5.0', '0.5.4', '0.6.0rc1', '0.6.3']);
  });

  it('SemVer prereleases against prerelease bounds', () => {
    const r = sem(ev('introduced', '0.3.0-rc.1'), ev('fixed', '0.3.3'));
    for (const v of ['0.3.0-rc.1', '0.3.0-rc.2', '0.3.0', '0.3.2', '0.3.3-beta']) expect(inRange(v, 'npm', r), v).toBe(true);
    for (const v of ['0.3.0-beta.9', '0.2.9', '0.3.3', '0.3.3+build']) expect(inRange(v, 'npm', r), v).toBe(false);
    const open = sem(ev('introduced', '0'), ev('fixed', '0.0.1'));
    expect(inRange('0.0.1-alpha', 'npm', open)).toBe(true);
    expect(inRange('0.0.0', 'npm', open)).toBe(true);
  });

  it('limit events cap the range; "*" is infinity', () => {
    expect(inRange('1.5.0', 'npm', sem(ev('introduced', '1.0.0'), ev('limit', '2.0.0')))).toBe(true);
    expect(inRange('2.0.0', 'npm', sem(ev('introduced', '1.0.0'), ev('limit', '2.0.0')))).toBe(false);
    expect(inRange('9.0.0', 'npm', sem(ev('introduced', '1.0.0'), ev('limit', '*')))).toBe(true);
  });

  it('unreadable bounds err towards affected; an unreadable version is never matched by ranges', () => {
    expect(inRange('1.0.0', 'npm', sem(ev('introduced', 'garbage')))).toBe(true);
    expect(inRange('5.0.0', 'npm', sem(ev('introduced', '0'), ev('fixed', 'garbage')))).toBe(true);
    expect(inRange('not.a.version', 'npm', sem(ev('introduced', '0')))).toBe(false);
    expect(inRange('1.0.0', 'npm', sem())).toBe(false);
  });

  it('the versions list matches by PEP 440 equality', () => {
    const a: OsvAffected = { ecosystem: 'PyPI', name: 'mlflow', ranges: [], versions: ['1.30.1', '2.0'] };
    expect(isAffected('1.30.1', a)).toBe(true);
    expect(isAffected('2.0.0', a)).toBe(true);
    expect(isAffected('1.30.2', a)).toBe(false);
  });

  it('lists fixed versions ascending, once', () => {
    const a: OsvAffected = { ecosystem: 'PyPI', name: 'x', versions: [], ranges: [eco(ev('introduced', '0'), ev('fixed', '1.10')), eco(ev('introduced', '2.0'), ev('fixed', '1.9')), eco(ev('fixed', '1.10.0'))] };
    expect(fixedVersions('PyPI', [a])).toEqual(['1.9', '1.10', '1.10.0']);
  });
});

describe('properties', () => {
  const semverArb = fc
    .tuple(fc.nat(4), fc.nat(4), fc.nat(4), fc.option(fc.constantFrom('alpha', 'alpha.1', 'beta', 'rc.1', 'rc.2', '0'), { nil: undefined }))
    .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre === undefined ? '' : `-${pre}`}`);
  const pep440Arb = fc
    .record({
      epoch: fc.constantFrom('', '', '', '1!'),
      release: fc.array(fc.nat(3), { minLength: 1, maxLength: 3 }),
      pre: fc.constantFrom('', '', 'a1', 'b2', 'rc1', 'rc10'),
      post: fc.constantFrom('', '', '.post1', '.post2'),
      dev: fc.constantFrom('', '', '.dev0', '.dev3'),
      local: fc.constantFrom('', '', '+cu121', '+cpu'),
    })
    .map((v) => `${v.epoch}${v.release.join('.')}${v.pre}${v.post}${v.dev}${v.local}`);

  it('[introduced, fixed) holds exactly the versions between the bounds (SemVer)', () => {
    fc.assert(
      fc.property(semverArb, semverArb, semverArb, (a, b, x) => {
        const [lo, hi] = SEMVER.compare(a, b) <= 0 ? [a, b] : [b, a];
        const expected = SEMVER.compare(x, lo) >= 0 && SEMVER.compare(x, hi) < 0;
        // Also with the events listed fixed-first: the walk sorts them.
        expect(inRange(x, 'npm', sem(ev('introduced', lo), ev('fixed', hi)))).toBe(expected);
        expect(inRange(x, 'npm', sem(ev('fixed', hi), ev('introduced', lo)))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('[introduced, last_affected] holds exactly the versions between the bounds (PEP 440)', () => {
    fc.assert(
      fc.property(pep440Arb, pep440Arb, pep440Arb, (a, b, x) => {
        const [lo, hi] = PEP440.compare(a, b) <= 0 ? [a, b] : [b, a];
        // `introduced: "0"` is OSV's "before every version", below even 0.dev0.
        const expected = (lo === '0' || PEP440.compare(x, lo) >= 0) && PEP440.compare(x, hi) <= 0;
        expect(inRange(x, 'PyPI', eco(ev('last_affected', hi), ev('introduced', lo)))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('PEP 440 ordering is a total order on generated versions (antisymmetric, transitive)', () => {
    fc.assert(
      fc.property(pep440Arb, pep440Arb, pep440Arb, (a, b, c) => {
        expect(Math.sign(PEP440.compare(a, b)) + Math.sign(PEP440.compare(b, a))).toBe(0);
        if (PEP440.compare(a, b) <= 0 && PEP440.compare(b, c) <= 0) expect(PEP440.compare(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary event strings', () => {
    const kind = fc.constantFrom<OsvEvent['kind']>('introduced', 'fixed', 'last_affected', 'limit');
    fc.assert(
      fc.property(fc.array(fc.record({ kind, version: fc.string({ maxLength: 12 }) }), { maxLength: 6 }), fc.string({ maxLength: 12 }), fc.boolean(), (events, v, py) => {
        inRange(v, py ? 'PyPI' : 'npm', { type: py ? 'ECOSYSTEM' : 'SEMVER', events });
      }),
      { numRuns: 500 },
    );
  });
});
