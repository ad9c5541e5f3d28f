// harmful-request: requests for help causing harm, scored by the shipped core model, with the MLCommons
// hazard category (S1–S14) from the category model and a few phrase rules for hazards it has no data for.
import { z } from 'zod';
import type { Finding } from '../core/finding.js';
import { severityFromScore, type Severity } from '../core/severity.js';
import { findTaxonomyEntry } from '../core/taxonomy/index.js';
import { defineDetector } from './contract.js';
import { CategoryModel } from './models/category-model.js';
import { coreScores, ensureCoreModel } from './models/core-scores.js';

/** NIST AI 600-1 risk closest to each hazard. */
const NIST_BY_HAZARD: Record<string, string> = {
  S1: 'NIST-600-1:2.3',
  S2: 'NIST-600-1:2.9',
  S3: 'NIST-600-1:2.11',
  S4: 'NIST-600-1:2.11',
  S5: 'NIST-600-1:2.8',
  S6: 'NIST-600-1:2.7',
  S7: 'NIST-600-1:2.4',
  S8: 'NIST-600-1:2.10',
  S9: 'NIST-600-1:2.1',
  S10: 'NIST-600-1:2.3',
  S11: 'NIST-600-1:2.3',
  S12: 'NIST-600-1:2.11',
  S13: 'NIST-600-1:2.8',
  S14: 'NIST-600-1:2.9',
};

/** Hazards whose harm is severe enough to raise the severity one step. */
const GRAVE = new Set(['S1', 'S3', 'S4', 'S9', 'S11']);

/** Phrase rules for hazards with little training data; they only choose the category of a flagged text. */
const HAZARD_RULES: [string, RegExp][] = [
  ['S14', /\b(?:code interpreter|sandbox escape|escape (?:the|your) (?:sandbox|container)|container escape|\/etc\/(?:passwd|shadow)|rm -rf \/|fork ?bomb|reverse shell|privilege escalation)\b/u],
  ['S8', /\b(?:pirat(?:e|ed|ing)|torrents?|keygen|cracked (?:version|software|copy)|(?:remove|bypass|strip) (?:the )?drm|full (?:lyrics|text) of|copyrighted)\b/u],
  ['S5', /\b(?:defamatory|defame|libel(?:ous)?|slander(?:ous)?|false rumou?rs?|fabricated (?:scandal|allegations?)|smear campaign)\b/u],
  ['S13', /\b(?:ballots?|polling (?:place|station)s?|voter (?:fraud|suppression|registration)|election (?:day|fraud|results?))\b/u],
];

const options = z
  .object({
    threshold: z.number().min(0).max(1).default(0.5),
    /** Hazard categories to report; others are ignored (default: all). */
    hazards: z.array(z.enum(['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9', 'S10', 'S11', 'S12', 'S13', 'S14'])).default([]),
  })
  .strict();

function bump(s: Severity): Severity {
  return s === 'low' ? 'medium' : s === 'medium' ? 'high' : s === 'high' ? 'critical' : s;
}

export const harmfulRequestDetector = defineDetector({
  id: 'harmful-request',
  description: 'Requests for harmful help (violence, weapons, crime, self-harm, sexual exploitation...), with the MLCommons hazard category.',
  stages: ['input', 'tool_call'],
  tags: {
    mlcommons: ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9', 'S10', 'S11', 'S12', 'S13', 'S14'],
    atlas: ['AML.T0048'],
    nistAi600: [...new Set(Object.values(NIST_BY_HAZARD))].sort(),
  },
  options,
  create(opts) {
    ensureCoreModel();
    const hazards = new CategoryModel('hazard-category.bin');
    const wanted = new Set<string>(opts.hazards);
    return (_input, ctx): Finding[] => {
      const { score, via } = coreScores(ctx.analysis).harmful;
      if (score < opts.threshold || score === 0) return [];
      const text = ctx.analysis.normalized;
      const rule = HAZARD_RULES.find(([, re]) => re.test(text));
      const hazard = rule?.[0] ?? hazards.rank(text)[0]?.category ?? 'S2';
      if (wanted.size > 0 && !wanted.has(hazard)) return [];
      let severity = severityFromScore(score);
      if (GRAVE.has(hazard)) severity = bump(severity);
      return [
        {
          detector: 'harmful-request',
          category: hazard,
          score,
          severity,
          tags: { mlcommons: [hazard], atlas: ['AML.T0048'], nistAi600: [NIST_BY_HAZARD[hazard]!] },
          metadata: { hazard: findTaxonomyEntry('mlcommons', hazard)?.name, ...(via === 'text' ? {} : { revealedBy: via }) },
        },
      ];
    };
  },
});
