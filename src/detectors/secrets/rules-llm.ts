// Provider token rules for LLM and ML platforms: OpenAI, Anthropic, Hugging Face, Groq, Replicate, Perplexity, xAI.
import { charClasses, isHex, shannonEntropy } from './entropy.js';
import { lengthBetween, type TokenRule } from './rule.js';

/** "OpenAI" base64-encoded: the marker OpenAI puts in the middle of its keys. */
const OPENAI_MARKER = 'T3BlbkFJ';
const OPENAI_SCOPED = /^sk-(?:proj|svcacct|admin|None)-/;
const ALNUM = /^[A-Za-z0-9]+$/;
const LETTERS = /^[A-Za-z]+$/;

function openaiScore(t: string): number | null {
  if (t.startsWith('sk-ant-')) return null;
  if (t.includes(OPENAI_MARKER)) return t.length >= 40 && t.length <= 250 ? 0.99 : null;
  // Scoped keys issued before the marker appeared: the prefix alone is distinctive enough.
  if (OPENAI_SCOPED.test(t)) return t.length >= 48 && t.length <= 250 && shannonEntropy(t) >= 4 ? 0.92 : null;
  return null;
}

/** Plain `sk-` + 32-64 alphanumerics: DeepSeek, Moonshot and many OpenAI-compatible providers; provider unknown. */
function skPrefixedScore(t: string): number | null {
  const body = t.slice(3);
  if (body.length < 32 || body.length > 64 || !ALNUM.test(body) || t.includes(OPENAI_MARKER)) return null;
  const cls = charClasses(body);
  if (!cls.digit) return null;
  return isHex(body) || (cls.upper && cls.lower) ? 0.8 : null;
}

export const LLM_RULES: readonly TokenRule[] = [
  {
    id: 'openai_api_key',
    provider: 'openai',
    group: 'llm',
    description: 'OpenAI API key (sk-proj-, sk-svcacct-, sk-admin-, legacy sk- with the T3BlbkFJ marker)',
    severity: 'high',
    anchors: ['sk-'],
    pattern: /(?<![\w-])sk-[A-Za-z0-9_-]+/g,
    check: openaiScore,
  },
  {
    id: 'anthropic_api_key',
    provider: 'anthropic',
    group: 'llm',
    description: 'Anthropic API key (sk-ant-api03-...AA) and OAuth tokens (sk-ant-oat01-, sk-ant-ort01-)',
    severity: 'high',
    anchors: ['sk-ant-'],
    pattern: /(?<![\w-])sk-ant-(?:api|oat|ort)[0-9]{2}-[\w-]+/g,
    check: (t) => (t.length === 108 && t.endsWith('AA') ? 0.99 : t.length >= 80 && t.length <= 200 ? 0.9 : null),
  },
  {
    id: 'anthropic_admin_key',
    provider: 'anthropic',
    group: 'llm',
    description: 'Anthropic Admin API key (sk-ant-admin01-)',
    severity: 'critical',
    anchors: ['sk-ant-'],
    pattern: /(?<![\w-])sk-ant-admin[0-9]{2}-[\w-]+/g,
    check: (t) => (t.length >= 80 && t.length <= 200 ? 0.97 : null),
  },
  {
    id: 'sk_prefixed_api_key',
    provider: 'unknown',
    group: 'llm',
    description: 'sk- + 32-64 alphanumerics: API key of an OpenAI-compatible provider (DeepSeek, Moonshot, ...)',
    severity: 'high',
    anchors: ['sk-'],
    pattern: /(?<![\w-])sk-[A-Za-z0-9_-]+/g,
    check: skPrefixedScore,
  },
  {
    id: 'huggingface_token',
    provider: 'huggingface',
    group: 'llm',
    description: 'Hugging Face user access token (hf_ + 34 letters) or organisation token (api_org_)',
    severity: 'high',
    anchors: ['hf_', 'api_org_'],
    pattern: /(?<![\w-])(?:hf_|api_org_)[A-Za-z0-9]+/g,
    check: (t) => {
      const body = t.slice(t.startsWith('hf_') ? 3 : 8);
      if (body.length === 34 && LETTERS.test(body)) return charClasses(body).upper ? 0.95 : 0.85;
      return body.length >= 30 && body.length <= 40 && charClasses(body).count >= 2 ? 0.75 : null;
    },
  },
  {
    id: 'groq_api_key',
    provider: 'groq',
    group: 'llm',
    description: 'Groq API key (gsk_ + 52 characters)',
    severity: 'high',
    anchors: ['gsk_'],
    pattern: /(?<![\w-])gsk_[A-Za-z0-9]+/g,
    check: lengthBetween(56, 56, 0.95),
  },
  {
    id: 'replicate_api_token',
    provider: 'replicate',
    group: 'llm',
    description: 'Replicate API token (r8_ + 37 characters)',
    severity: 'high',
    anchors: ['r8_'],
    pattern: /(?<![\w-])r8_[A-Za-z0-9]+/g,
    check: lengthBetween(40, 40, 0.95),
  },
  {
    id: 'perplexity_api_key',
    provider: 'perplexity',
    group: 'llm',
    description: 'Perplexity API key (pplx- + 48 characters)',
    severity: 'high',
    anchors: ['pplx-'],
    pattern: /(?<![\w-])pplx-[A-Za-z0-9]+/g,
    check: lengthBetween(50, 60, 0.95),
  },
  {
    id: 'xai_api_key',
    provider: 'xai',
    group: 'llm',
    description: 'xAI (Grok) API key (xai- + 80 characters)',
    severity: 'high',
    anchors: ['xai-'],
    pattern: /(?<![\w-])xai-[A-Za-z0-9]+/g,
    check: lengthBetween(70, 100, 0.95),
  },
];
