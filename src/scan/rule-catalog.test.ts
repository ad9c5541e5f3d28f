// Registry test of the scan rules: unique ids, sensible metadata and known taxonomy ids for every rule of every module.
import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../core/severity.js';
import { unknownTags } from '../core/taxonomy/index.js';
import { buildRuleCatalog, loadRuleCatalog, ruleById, ruleGroupsOf } from './rule-catalog.js';
import { COMMON_RULES, defineRules } from './rules.js';

describe('rule catalog', () => {
  it('refuses two rules with one id', () => {
    const a = defineRules({ x: { verdict: 'info', severity: 'info', title: 't', help: 'h', tags: {} } }, 'dup');
    const b = defineRules({ x: { verdict: 'error', severity: 'low', title: 't', help: 'h', tags: {} } }, 'dup');
    expect(() => buildRuleCatalog([a, b])).toThrow(/dup\.x is defined twice/);
    expect(buildRuleCatalog([a, a]).rules).toHaveLength(1);
  });

  it('finds the *_RULES exports of a module', () => {
    const mod = { PICKLE_RULES: COMMON_RULES, pickleScanner: {}, OTHER: COMMON_RULES, EMPTY_RULES: {}, BAD_RULES: { a: 1 } };
    expect(ruleGroupsOf(mod)).toEqual([COMMON_RULES]);
  });

  it('loads every rule module; each rule has an id, a verdict, a severity, a title, help and known tags', async () => {
    const catalog = await loadRuleCatalog();
    expect(catalog.rules.length).toBeGreaterThanOrEqual(Object.keys(COMMON_RULES).length);
    for (const r of catalog.rules) {
      expect(r.id, r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)+$/);
      expect(['malicious', 'suspicious', 'error', 'info'], r.id).toContain(r.verdict);
      expect(SEVERITIES, r.id).toContain(r.severity);
      expect(r.title.length, r.id).toBeGreaterThan(3);
      expect(r.help.length, r.id).toBeGreaterThan(20);
      expect(unknownTags(r.tags), r.id).toEqual([]);
      expect(catalog.byId(r.id)).toBe(r);
      expect(ruleById(r.id)).toBe(r);
    }
    expect(ruleById('scan.truncated')).toBe(COMMON_RULES.truncated);
    expect(catalog.missing).toEqual([]);
    for (const prefix of ['pickle', 'zip', 'compressed', '7z', 'tar', 'numpy', 'gguf', 'template', 'safetensors', 'onnx', 'keras', 'hdf5', 'json', 'lock', 'deps']) {
      expect(catalog.rules.some((r) => r.id.startsWith(`${prefix}.`)), prefix).toBe(true);
    }
  });
});
