// Distinctive words of the system prompt and user prompt, so the exfiltration detector can spot them inside URLs.
import type { ScanContextData } from '../contract.js';
import type { ConversationClues } from './score-url.js';

const WORD = /[\p{L}\p{N}]{4,}/gu;
/** Words too common to show that conversation text went into a URL. */
const COMMON = new Set(
  (
    'that this with from your have will what when which there their about would should could into only other than then ' +
    'them they were been also more some such just like make over very here http https html www com org net user ' +
    'assistant answer question please help always never must each every want need know does done using used uses ' +
    'where while after before because these those being able'
  ).split(' '),
);
/** Prompts longer than this contribute their head only; the check is a hint, not an index. */
const MAX_PROMPT = 20_000;

function wordsOf(text: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!text) return out;
  for (const w of text.slice(0, MAX_PROMPT).toLowerCase().match(WORD) ?? []) if (!COMMON.has(w)) out.add(w);
  return out;
}

interface Entry {
  text: string;
  words: Set<string>;
  lower: string;
}

/** One-entry caches: a deployment has one system prompt, and consecutive calls often share the prompt. */
const last: Record<'system' | 'prompt', Entry | undefined> = { system: undefined, prompt: undefined };

function entryFor(text: string, slot: 'system' | 'prompt'): Entry {
  const hit = last[slot];
  if (hit && hit.text === text) return hit;
  const entry = { text, words: wordsOf(text), lower: text.slice(0, MAX_PROMPT).toLowerCase() };
  last[slot] = entry;
  return entry;
}

function cachedWords(text: string | undefined, slot: 'system' | 'prompt'): Set<string> {
  return text ? entryFor(text, slot).words : new Set();
}

function cachedLower(text: string | undefined, slot: 'system' | 'prompt'): string {
  return text ? entryFor(text, slot).lower : '';
}

/** Clues from the scan context plus statically configured canaries; undefined when there is nothing to look for. */
export function conversationClues(context: ScanContextData | undefined): ConversationClues | undefined {
  if (!context || (!context.systemPrompt && !context.prompt && !context.canaries?.length)) return undefined;
  return {
    systemWords: cachedWords(context.systemPrompt, 'system'),
    promptWords: cachedWords(context.prompt, 'prompt'),
    canaries: (context.canaries ?? []).filter((c) => c.length >= 4).map((c) => c.toLowerCase()),
    systemText: cachedLower(context.systemPrompt, 'system'),
    promptText: cachedLower(context.prompt, 'prompt'),
  };
}
