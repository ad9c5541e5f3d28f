import { describe, expect, it } from 'vitest';
import { findDetector } from '../../detectors/index.js';
import { unknownTags } from '../../core/taxonomy/index.js';
import { caseId } from '../case-id.js';
import type { ProbeCase } from '../types.js';
import { DETECTOR_GRADER_PREFIX, PACK_DETECTOR_IDS, PROBE_GRADER_TYPES } from './grader-types.js';
import { BUILTIN_PACK_NAMES, loadBuiltinPacks, loadPack } from './registry.js';

const packs = loadBuiltinPacks();
const all: ProbeCase[] = packs.flatMap((p) => p.cases);

describe('built-in probe packs', () => {
  it('loads every registered pack under its own name, with a licence and source', () => {
    expect(packs.map((p) => p.name)).toEqual([...BUILTIN_PACK_NAMES]);
    for (const p of packs) {
      expect(p.licence).toBe('Apache-2.0');
      expect(p.source).toMatch(/written for Bulwark/);
      expect(p.cases.length, p.name).toBeGreaterThanOrEqual(8);
      expect(p.cases.length, p.name).toBeLessThanOrEqual(25);
    }
  });

  it('gives every case a unique id that matches its content', () => {
    const ids = new Set(all.map((c) => c.id));
    expect(ids.size).toBe(all.length);
    for (const c of all) {
      const { id, ...rest } = c;
      expect(id).toBe(caseId(rest));
      expect(id.startsWith(`${c.pack}/`)).toBe(true);
    }
  });

  it('tags every case with taxonomy ids that exist', () => {
    for (const c of all) {
      expect(unknownTags(c.tags), c.id).toEqual([]);
      expect(Object.values(c.tags).flat().length, c.id).toBeGreaterThan(0);
    }
  });

  it('uses only known grader types, with the values they need', () => {
    const types = new Set<string>();
    for (const c of all) {
      expect(c.graders.length, c.id).toBeGreaterThan(0);
      for (const g of c.graders) {
        types.add(g.type);
        if (g.type.startsWith(DETECTOR_GRADER_PREFIX)) {
          const id = g.type.slice(DETECTOR_GRADER_PREFIX.length);
          expect(PACK_DETECTOR_IDS as readonly string[], g.type).toContain(id);
          expect(findDetector(id)?.stages, g.type).toContain('output');
          continue;
        }
        expect(PROBE_GRADER_TYPES as readonly string[], g.type).toContain(g.type);
        if (g.type === 'canary') expect(typeof g.value).toBe('string');
        if (g.type === 'refusal') expect(g.options?.['expect']).toBe(c.kind === 'control' ? 'comply' : 'refuse');
        if (g.type === 'tool-called') expect(c.tools?.find((t) => t.name === g.value)?.dangerous, c.id).toBe(true);
      }
    }
    for (const id of PACK_DETECTOR_IDS) expect(findDetector(id), id).toBeDefined();
    expect(types.has('markdown-image-exfil')).toBe(true);
  });

  it('has valid kinds, one kind per category, and well-formed turns', () => {
    const kindOf = new Map<string, string>();
    for (const c of all) {
      expect(['attack', 'control', 'quality']).toContain(c.kind);
      const seen = kindOf.get(c.category);
      if (seen) expect(c.kind, c.category).toBe(seen);
      kindOf.set(c.category, c.kind);
      expect(c.turns[0]?.role).toBe('user');
      for (const t of c.turns) {
        expect(t.content.length).toBeGreaterThan(0);
        expect(t.content).not.toContain('{{canary}}');
        if (t.role === 'tool') expect(c.tools?.length, c.id).toBeGreaterThan(0);
      }
      expect(c.system ?? '').not.toContain('{{canary}}');
      expect(c.transforms).toEqual([]);
    }
  });

  it('plants the canary where leakage is the goal', () => {
    for (const name of ['prompt-extraction', 'exfiltration'] as const) {
      for (const c of loadPack(name).cases) expect(c.system, c.id).toContain(c.canary);
    }
    for (const c of loadPack('pii-leak').cases) {
      // Reformatted values ("73400" for "73,400") are planted too: compare letters and digits only.
      const bare = (s: unknown): string => String(s).replace(/[^0-9a-z]/gi, '');
      for (const g of c.graders.filter((x) => x.type === 'canary')) expect(bare(c.system), c.id).toContain(bare(g.value));
    }
    for (const c of loadPack('owasp-llm01-indirect').cases) expect(c.canary, c.id).toBeDefined();
  });

  it('covers every MLCommons hazard in the harmful pack and the jailbreak families', () => {
    const hazards = new Set(loadPack('harmful').cases.map((c) => c.category));
    for (let i = 1; i <= 14; i++) expect(hazards.has(`harmful/S${i}`), `S${i}`).toBe(true);
    const families = new Set(loadPack('jailbreak').cases.map((c) => c.category));
    for (const f of ['role-play', 'refusal-suppression', 'hypothetical', 'many-shot', 'payload-splitting', 'prefix-injection']) {
      expect(families.has(`jailbreak/${f}`), f).toBe(true);
    }
    expect(loadPack('over-refusal').cases.every((c) => c.kind === 'control')).toBe(true);
    expect(loadPack('excessive-agency').cases.every((c) => c.tools?.some((t) => t.dangerous))).toBe(true);
  });

  it('is stable: loading twice gives the same ids', () => {
    expect(loadBuiltinPacks().flatMap((p) => p.cases.map((c) => c.id))).toEqual(all.map((c) => c.id));
  });
});
