// Topics detector: banned topics scored with a small lexical model (weighted keywords and example words), with built-in example packs.
import { z } from 'zod';
import type { Finding } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';
import type { TextAnalysis } from '../text/analysis.js';
import { defineDetector } from './contract.js';
import { firstDuplicate, severityField, taxonomyTagsField, unitField } from './keywords/option-fields.js';
import builtinPacks from './topics/builtin-topics.json' with { type: 'json' };
import { TopicModel, termKey, type TopicSpec } from './topics/model.js';

interface BuiltinTopic {
  name: string;
  description: string;
  severity: Severity;
  tags: TaxonomyTags;
  keywords: (string | { term: string; weight: number })[];
  examples: string[];
}

const BUILTINS = builtinPacks.topics as BuiltinTopic[];
export const BUILTIN_TOPICS = ['medical-advice', 'legal-advice', 'financial-advice', 'politics-elections', 'competitors', 'violence-weapons'] as const;

const NON_ASCII = /[^\x00-\x7f]/;
const MIN_VARIANT_CHARS = 16;
const EVIDENCE_TERMS = 5;

const keywordField = z.union([
  z.string().min(1).max(200),
  z.object({ term: z.string().min(1).max(200), weight: z.number().positive().max(10) }).strict(),
]);

const topicSchema = z
  .object({
    name: z.string().min(1).max(100),
    description: z.string().max(2_000).optional(),
    /** Terms and phrases; a plain string weighs 1. */
    keywords: z.array(keywordField).max(5_000).default([]),
    /** Example sentences; their content words join the topic with a lower weight. */
    examples: z.array(z.string().max(2_000)).max(200).default([]),
    /** When omitted: the built-in topic's value if this extends one, else {} / 'medium'. */
    tags: taxonomyTagsField.optional(),
    severity: severityField.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    t.keywords.forEach((k, i) => {
      const term = typeof k === 'string' ? k : k.term;
      if (termKey(term) === '') {
        ctx.addIssue({ code: 'custom', path: ['keywords', i], message: `topic "${t.name}": keyword "${term}" has only stop words or no letters` });
      }
    });
  });

export const topicsOptions = z
  .object({
    /** Built-in example packs to enable; a custom topic with the same name extends the pack. */
    builtin: z.array(z.enum(BUILTIN_TOPICS)).max(BUILTIN_TOPICS.length).default([]),
    topics: z.array(topicSchema).max(200).default([]),
    threshold: unitField.default(0.5),
  })
  .strict()
  .superRefine((o, ctx) => {
    const dup = firstDuplicate(o.topics.map((t) => t.name));
    if (dup !== undefined) ctx.addIssue({ code: 'custom', path: ['topics'], message: `duplicate topic name "${dup}"` });
    if (o.builtin.length === 0 && o.topics.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['topics'], message: 'configure at least one topic (topics) or built-in pack (builtin)' });
    }
    const specs = resolveTopics(o);
    for (const name of o.builtin) {
      const s = specs.find((t) => t.name === name);
      if (s && s.keywords.length === 0 && s.examples.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['builtin'],
          message: `built-in topic "${name}" is an empty template: add keywords with topics: [{ name: "${name}", keywords: [...] }]`,
        });
      }
    }
  });

export type TopicsOptions = z.infer<typeof topicsOptions>;

/** Built-in packs merged with custom topics of the same name, then the other custom topics. */
function resolveTopics(o: Pick<TopicsOptions, 'builtin' | 'topics'>): TopicSpec[] {
  const specs: TopicSpec[] = [];
  for (const name of new Set(o.builtin)) {
    const b = BUILTINS.find((t) => t.name === name)!;
    const extra = o.topics.find((t) => t.name === name);
    specs.push({
      name,
      severity: extra?.severity ?? b.severity,
      tags: extra?.tags ?? b.tags,
      keywords: [...b.keywords, ...(extra?.keywords ?? [])],
      examples: [...b.examples, ...(extra?.examples ?? [])],
    });
  }
  for (const t of o.topics) {
    if (o.builtin.includes(t.name as (typeof BUILTIN_TOPICS)[number])) continue;
    specs.push({ name: t.name, severity: t.severity ?? 'medium', tags: t.tags ?? {}, keywords: t.keywords, examples: t.examples });
  }
  return specs;
}

interface Reading {
  kind: string;
  text: string;
  spans: boolean;
}

function readings(text: string, analysis: TextAnalysis | undefined): Reading[] {
  const out: Reading[] = [{ kind: 'original', text, spans: true }];
  if (!analysis) return out;
  // For ASCII input the normalised text tokenises exactly like the original.
  if (typeof analysis.normalized === 'string' && NON_ASCII.test(text)) out.push({ kind: 'normalized', text: analysis.normalized, spans: false });
  for (const v of analysis.variants ?? []) {
    if (typeof v.text === 'string' && v.text.length >= MIN_VARIANT_CHARS) out.push({ kind: v.kind, text: v.text, spans: false });
  }
  return out;
}

export const topicsDetector = defineDetector<TopicsOptions>({
  id: 'topics',
  description: 'Banned topics (built-in packs or your own keywords and examples), scored with a fast lexical model.',
  stages: ['input', 'output'],
  tags: {},
  options: topicsOptions,
  requiresOptions: true,
  create(options) {
    const specs = resolveTopics(options);
    const model = new TopicModel(specs);
    return (input, ctx) => {
      const text = typeof input.text === 'string' ? input.text : '';
      const best = new Map<number, { score: number; terms: string[]; spans: { start: number; end: number }[]; kind: string }>();
      for (const r of readings(text, ctx.analysis)) {
        for (const h of model.score(r.text)) {
          const prior = best.get(h.topic);
          if (!prior || h.score > prior.score) best.set(h.topic, { score: h.score, terms: h.terms, spans: r.spans ? h.spans : [], kind: r.kind });
        }
      }
      const out: Finding[] = [];
      for (const [topic, b] of best) {
        if (b.score < options.threshold) continue;
        const spec = specs[topic]!;
        const metadata: Record<string, unknown> = { matchedIn: b.kind, terms: b.terms.slice(0, 10) };
        if (b.spans.length > 0) metadata.spans = b.spans;
        out.push({
          detector: 'topics',
          category: spec.name,
          score: Math.round(b.score * 1000) / 1000,
          severity: spec.severity,
          evidence: b.terms.slice(0, EVIDENCE_TERMS).join(', ').slice(0, 120),
          tags: spec.tags,
          metadata,
        });
      }
      return out.sort((a, b) => b.score - a.score);
    };
  },
});
