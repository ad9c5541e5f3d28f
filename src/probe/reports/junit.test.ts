// Tests of the JUnit report: well-formed XML for any answer text, a suite per category, outcomes mapped and counted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripInvalidChars } from './escape.js';
import { renderJUnit } from './junit.js';
import { HOSTILE, result, sampleReport } from './testdata/sample-report.js';
import { parseXml, type XmlElement } from './testdata/xml-check.js';

const child = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.name === name);

describe('renderJUnit', () => {
  it('is well-formed, with a testsuite per category and the right counts', () => {
    const xml = renderJUnit(sampleReport());
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '9', failures: '3', errors: '1', skipped: '1' });
    const suites = child(root, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(['hallucination', 'jailbreak/<b>role-play</b>', 'over-refusal', 'prompt-injection/direct']);
    const pi = suites[3] as XmlElement;
    expect(pi.attrs).toMatchObject({ tests: '4', failures: '1', errors: '1', skipped: '0' });
    const props = child(child(pi, 'properties')[0] as XmlElement, 'property').map((p) => `${p.attrs.name}=${p.attrs.value}`);
    expect(props).toEqual(['bulwark.run=run-2', 'taxonomy=LLM01:2025', 'taxonomy=AML.T0051.000', 'taxonomy=NIST-600-1:2.9']);
    const cases = child(pi, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(['pi/aaaa repeat 0', 'pi/aaaa repeat 1', 'pi/bbbb repeat 0', 'pi/bbbb repeat 1']);
    const failure = child(cases[1] as XmlElement, 'failure')[0] as XmlElement;
    expect(failure.attrs.type).toBe('canary');
    // The hostile answer is in the failure body, intact apart from the characters XML cannot carry.
    expect(failure.text).toContain(stripInvalidChars(HOSTILE));
    expect(child(cases[3] as XmlElement, 'error')[0]?.attrs.type).toBe('ECONNRESET');
    const skipped = child(child(suites[0] as XmlElement, 'testcase')[0] as XmlElement, 'skipped');
    expect(skipped[0]?.attrs.message).toMatch(/^unscored: /);
  });

  it('stays well-formed whatever the category, ids, reasons and answers contain', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 200 }), (cat, id, text) => {
        const r = result(id, cat, 'attack', 'fail', 0, text, `t${cat}`);
        const report = sampleReport({ results: [r, result(id, cat, 'attack', 'error', 1, text)] });
        report.summary.targets = ['a', 'b'];
        const root = parseXml(renderJUnit(report));
        const suite = child(root, 'testsuite')[0] as XmlElement;
        expect(suite.attrs.name).toBe(stripInvalidChars(cat));
        expect(child(suite, 'testcase')[0]?.attrs.name).toBe(stripInvalidChars(`${id} repeat 0 on t${cat}`));
      }),
      { numRuns: 200 },
    );
  });

  it('writes an empty run as an empty testsuites element', () => {
    const root = parseXml(renderJUnit(sampleReport({ results: [] })));
    expect(root.attrs.tests).toBe('0');
    expect(root.children).toHaveLength(0);
  });
});
