// Checks of what a server serves to the model: tool, prompt and resource descriptions (and the descriptions nested
// in their schemas) and the server instructions. Bulwark's prompt-injection and invisible-text detectors, plus MCP
// tool-poisoning patterns: hidden directives, requests to read sensitive files or send data elsewhere, references
// to other servers' tools (shadowing), very long texts, and tool names that collide across servers.
import type { Finding } from '../../core/finding.js';
import type { Severity } from '../../core/severity.js';
import type { DetectFn } from '../../detectors/contract.js';
import { invisibleTextDetector } from '../../detectors/invisible-text.js';
import { promptInjectionDetector } from '../../detectors/prompt-injection.js';
import { analyzeText } from '../../text/analysis.js';
import type { McpFinding, ServedDefinitions, ToolDefinition } from '../types.js';
import { finding } from './checks.js';

export interface InjectionScore {
  score: number;
  category: string;
}

export interface DefinitionContext {
  serverName: string;
  /** Names of the other configured servers. */
  otherServers: readonly string[];
  /** Tool names served by other servers, by server name (shadowing and name collisions). */
  otherTools?: Readonly<Record<string, readonly string[]>>;
  /** Scores a text as prompt injection; default Bulwark's prompt-injection detector. */
  injection?: (text: string) => InjectionScore | undefined;
  /**
   * Score from which the detector's verdict is a finding (default 0.99). Tool descriptions are instructions by
   * nature ("use this tool when…"), so the detector's operating point for chat input (0.5) flags honest ones.
   */
  injectionThreshold?: number;
  /** Longest description (characters) before `descriptions.too-long` (default 3000; instructions 10000). */
  maxDescriptionLength?: number;
  maxInstructionsLength?: number;
}

/** Longest text handed to the detectors; pattern checks read the same prefix. */
const MAX_SCANNED = 16 * 1024;
const MAX_SCHEMA_TEXTS = 200;

let defaultInjection: DetectFn | undefined;
let detectInvisible: DetectFn | undefined;

function injectionScore(text: string): InjectionScore | undefined {
  defaultInjection ??= promptInjectionDetector.create(promptInjectionDetector.options.parse({ threshold: 0 }));
  const f = (defaultInjection({ text, stage: 'tool_result' }, { analysis: analyzeText(text) }) as Finding[])[0];
  return f ? { score: f.score, category: f.category } : undefined;
}

function invisibleFindings(text: string): Finding[] {
  detectInvisible ??= invisibleTextDetector.create(invisibleTextDetector.options.parse({}));
  return detectInvisible({ text, stage: 'tool_result' }, { analysis: analyzeText(text) }) as Finding[];
}

const HIDDEN_DIRECTIVES: readonly RegExp[] = [
  /<\s*\/?\s*(?:important|system|instructions?|secret|hidden|admin|note[\s_-]*to[\s_-]*(?:the[\s_-]*)?(?:ai|assistant|model|llm))\b[^>]{0,40}>/i,
  /\b(?:do\s+not|don'?t|never|must\s+not|should\s+not)\s+(?:tell|inform|mention|reveal|notify|alert|show|disclose|let)\b[^.\n]{0,40}\b(?:user|human|operator)s?\b/i,
  /\bwithout\s+(?:telling|informing|notifying|alerting|asking|showing)\s+(?:the\s+)?(?:user|human)/i,
  /\b(?:the\s+)?user\s+(?:must|should)\s+(?:not|never)\s+(?:know|see|notice|find\s+out|be\s+(?:told|informed))/i,
  /\bbefore\s+(?:using|calling|invoking|running)\s+(?:this|the|any)\s+tool\b[^.\n]{0,80}\b(?:read|open|cat|fetch|send|upload|include|pass|provide|copy|attach)\b/i,
  /\bignore\s+(?:all\s+)?(?:previous|prior|above|earlier|other|any)\s+(?:instructions|rules|guidelines|directions)/i,
  /\b(?:secretly|silently|quietly|covertly|discreetly)\s+(?:call|send|read|include|add|forward|copy|upload|run|execute|pass|attach)\b/i,
  /\bdo\s+not\s+(?:mention|disclose|reveal)\s+(?:this|that|these)\b/i,
];

const SENSITIVE_PATH =
  /(?:~|\$HOME|%USERPROFILE%)?[\\/]?\.ssh\b|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|(?:^|[\s'"`(/\\])\.env(?![\w-])|\bmcp\.json\b|\bclaude_desktop_config\.json\b|\bmcp_config\.json\b|\.aws[\\/]credentials|\.netrc\b|\/etc\/(?:passwd|shadow)\b|\.npmrc\b|\.pypirc\b|\.git-credentials\b|\.kube[\\/]config\b|\.docker[\\/]config\.json|\.config[\\/]gcloud|\.gnupg\b|\bwallet\.dat\b|\bkeychain\b|\.(?:bash|zsh)_history\b/i;
const READ_VERB = /\b(?:read|open|cat|load|include|pass|send|upload|attach|copy|provide|fetch|extract|print|output|return|dump|list|contents?\s+of)\b/i;

const EXFILTRATION: readonly RegExp[] = [
  /\b(?:send|forward|post|upload|transmit|exfiltrate|email|leak|copy|report)\b[^.\n]{0,60}\bto\b[^.\n]{0,40}(?:https?:\/\/|www\.|[\w.+-]+@[\w-]+\.[a-z]{2,}|\bwebhook\b)/i,
  /\b(?:bcc|cc)\b[^.\n]{0,20}[\w.+-]+@[\w-]+\.[a-z]{2,}/i,
  /\b(?:redirect|change|replace|set)\b[^.\n]{0,30}\b(?:recipient|destination|to[\s-]address|email\s+address)\b[^.\n]{0,30}\bto\b/i,
  /\b(?:pass|include|put|send|embed|append|insert|provide|add)\b[^.\n]{0,40}(?:conversation|chat\s+history|message\s+history|previous\s+messages|context\s+window|system\s+prompt|secrets?|api\s+keys?|tokens?|credentials|passwords?|(?:its|their|the\s+file'?s?)\s+contents?|file\s+contents?|contents?\s+of\s+(?:the\s+)?(?:file|~|\.|\/))\b[^.\n]{0,60}(?:\b(?:parameter|argument|field|param)\b|\b(?:as|in|into|inside)\s+['"`]\w+['"`])/i,
];

const SHADOW_TRIGGER = /\b(?:when|if|while|whenever)\s+this\s+tool\s+is\s+(?:available|present|loaded|installed|enabled)\b/i;
const DIRECTIVE_WORD = /\b(?:must|always|never|instead|do\s+not|don'?t|whenever|before|after|only|required?)\b/i;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Tool names specific enough to recognise in prose: `send_email`, `list-files`, `getWeather`, `fetch2`. */
const identifierLike = (name: string): boolean => name.length >= 4 && /[_\-.\d]|[a-z][A-Z]/.test(name);

function sentences(text: string): string[] {
  return text.split(/[.!?](?:\s+|$)|\n+/).filter((s) => s.trim() !== '');
}

function excerpt(text: string, index: number, length: number): string {
  const start = Math.max(0, index - 20);
  const raw = text.slice(start, Math.min(text.length, index + length + 40)).replace(/\s+/g, ' ').trim();
  return `"${start > 0 ? '…' : ''}${raw.length > 100 ? `${raw.slice(0, 100)}…` : raw}"`;
}

function firstMatch(text: string, patterns: readonly RegExp[]): RegExpExecArray | undefined {
  for (const re of patterns) {
    const m = re.exec(text);
    if (m) return m;
  }
  return undefined;
}

interface ScannedText {
  text: string;
  /** `tool:name`, `tool:name#/inputSchema/properties/x/description`, `instructions`. */
  location: string;
  /** What the text is, for messages: `description of tool "add"`. */
  what: string;
  /** Prompt-injection scoring is skipped for short schema texts ("Path to the file"). */
  short: boolean;
  /** A name or title: only the invisible-character check applies. */
  nameOnly?: boolean;
}

/** Description and title texts nested in a JSON schema (parameter descriptions are read by the model too). */
function schemaTexts(schema: unknown, base: string, out: { path: string; text: string }[], depth = 0): void {
  if (out.length >= MAX_SCHEMA_TEXTS || depth > 12 || typeof schema !== 'object' || schema === null) return;
  if (Array.isArray(schema)) {
    schema.forEach((s, i) => schemaTexts(s, `${base}/${i}`, out, depth + 1));
    return;
  }
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    const path = `${base}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if ((k === 'description' || k === 'title') && typeof v === 'string') out.push({ path, text: v });
    else if (typeof v === 'object' && v !== null) schemaTexts(v, path, out, depth + 1);
  }
}

function textsOf(item: ToolDefinition): ScannedText[] {
  const location = `${item.kind}:${item.name}`;
  const what = `${item.kind} "${item.name}"`;
  const out: ScannedText[] = [{ text: item.name, location, what: `name of ${what}`, short: true, nameOnly: true }];
  if (typeof item.title === 'string') out.push({ text: item.title, location, what: `title of ${what}`, short: true, nameOnly: true });
  if (typeof item.description === 'string') out.push({ text: item.description, location, what: `description of ${what}`, short: false });
  const nested: { path: string; text: string }[] = [];
  schemaTexts(item.inputSchema, '/inputSchema', nested);
  schemaTexts(item.outputSchema, '/outputSchema', nested);
  schemaTexts(item.arguments, '/arguments', nested);
  for (const n of nested) out.push({ text: n.text, location: `${location}#${n.path}`, what: `${n.path.slice(1)} of ${what}`, short: n.text.length < 80 });
  return out;
}

function checkText(t: ScannedText, index: ShadowIndex): McpFinding[] {
  const text = t.text.length > MAX_SCANNED ? t.text.slice(0, MAX_SCANNED) : t.text;
  const out: McpFinding[] = [];
  const add = (id: string, message: string, severity?: Severity) => out.push(finding(id, `${t.what}: ${message}`, t.location, severity));

  for (const f of invisibleFindings(text)) {
    const severe = f.category === 'ascii_smuggling' || f.category === 'bidi_override';
    add('descriptions.invisible-unicode', `${f.category.replace(/_/g, ' ')} (${f.evidence ?? 'invisible characters'})`, severe ? 'high' : 'medium');
    break;
  }
  // Names and titles are too short for prose patterns; hidden characters are all they can carry.
  if (t.nameOnly) return out;
  const hidden = firstMatch(text, HIDDEN_DIRECTIVES);
  if (hidden) add('descriptions.hidden-directive', `hidden directive ${excerpt(text, hidden.index, hidden[0].length)}`);

  for (const s of sentences(text)) {
    const path = SENSITIVE_PATH.exec(s);
    if (path && READ_VERB.test(s)) {
      add('descriptions.file-access', `asks to read ${path[0].trim()}: ${excerpt(s, path.index, path[0].length)}`);
      break;
    }
  }
  const exfil = firstMatch(text, EXFILTRATION);
  if (exfil) add('descriptions.exfiltration', `asks to send data elsewhere: ${excerpt(text, exfil.index, exfil[0].length)}`);

  out.push(...shadowing(text, t, index));
  return out;
}

/** Other servers' identifier-like tool names (`send_email` → `send_email (mail)`), and their server-name patterns. */
interface ShadowIndex {
  tools: ReadonlyMap<string, string>;
  servers: readonly RegExp[];
  serverNames: readonly string[];
}

function shadowIndex(ctx: DefinitionContext, ownTools: ReadonlySet<string>): ShadowIndex {
  const tools = new Map<string, string>();
  for (const [server, names] of Object.entries(ctx.otherTools ?? {})) {
    if (server === ctx.serverName) continue;
    for (const tool of names) if (!ownTools.has(tool) && identifierLike(tool) && !tools.has(tool)) tools.set(tool, `${tool} (${server})`);
  }
  const others = ctx.otherServers.filter((s) => s !== ctx.serverName && s.length >= 3).slice(0, 200);
  const servers = others.map((s) => new RegExp(`(?<![\\w-])${escapeRegExp(s)}(?![\\w-])\\s+(?:server|tools?|mcp)\\b`, 'i'));
  return { tools, servers, serverNames: others };
}

function shadowing(text: string, t: ScannedText, index: ShadowIndex): McpFinding[] {
  const mentions: string[] = [];
  if (index.tools.size > 0) {
    for (const word of text.match(/[\w.-]+/g) ?? []) {
      const hit = index.tools.get(word) ?? index.tools.get(word.replace(/^[.-]+|[.-]+$/g, ''));
      if (hit) mentions.push(hit);
    }
  }
  index.servers.forEach((re, i) => {
    if (re.test(text)) mentions.push(`server ${index.serverNames[i]}`);
  });
  const trigger = SHADOW_TRIGGER.exec(text);
  if (mentions.length === 0 && !trigger) return [];
  const directive = trigger !== null || DIRECTIVE_WORD.test(text);
  const what =
    mentions.length > 0
      ? `refers to other servers' tools: ${[...new Set(mentions)].slice(0, 5).join(', ')}${directive ? ', with directives' : ''}`
      : `conditions itself on other tools: ${excerpt(text, trigger!.index, trigger![0].length)}`;
  return [finding('descriptions.shadowing', `${t.what}: ${what}`, t.location, directive ? 'high' : 'medium')];
}

/** Longest piece scored at once: the detector's score grows with the length of a text, even an honest one. */
const INJECTION_CHUNK = 600;

/** The highest score over the text cut at sentence ends into pieces of at most INJECTION_CHUNK characters. */
function bestScore(text: string, score: (text: string) => InjectionScore | undefined): InjectionScore | undefined {
  const pieces: string[] = [];
  let current = '';
  for (const sentence of text.split(/(?<=[.!?\n])\s+/)) {
    if (current !== '' && current.length + sentence.length + 1 > INJECTION_CHUNK) {
      pieces.push(current);
      current = '';
    }
    current = current === '' ? sentence : `${current} ${sentence}`;
    while (current.length > INJECTION_CHUNK) {
      pieces.push(current.slice(0, INJECTION_CHUNK));
      current = current.slice(INJECTION_CHUNK);
    }
  }
  if (current !== '') pieces.push(current);
  let best: InjectionScore | undefined;
  for (const piece of pieces) {
    const s = score(piece);
    if (s && (!best || s.score > best.score)) best = s;
  }
  return best;
}

/** Every finding about what one server serves. */
export function checkDefinitions(served: ServedDefinitions, ctx: DefinitionContext): McpFinding[] {
  const out: McpFinding[] = [];
  const score = ctx.injection ?? injectionScore;
  const threshold = ctx.injectionThreshold ?? 0.99;
  const maxDescription = ctx.maxDescriptionLength ?? 3000;
  const items = served.items ?? [];
  const ownTools = new Set(items.filter((i) => i.kind === 'tool').map((i) => i.name));
  const texts: ScannedText[] = [];
  if (typeof served.instructions === 'string' && served.instructions !== '') {
    texts.push({ text: served.instructions, location: 'instructions', what: 'server instructions', short: false });
    const max = ctx.maxInstructionsLength ?? 10_000;
    if (served.instructions.length > max) out.push(finding('descriptions.too-long', `server instructions are ${served.instructions.length} characters long (more than ${max})`, 'instructions'));
  }
  for (const item of items) {
    texts.push(...textsOf(item));
    if (typeof item.description === 'string' && item.description.length > maxDescription) {
      out.push(finding('descriptions.too-long', `description of ${item.kind} "${item.name}" is ${item.description.length} characters long (more than ${maxDescription})`, `${item.kind}:${item.name}`));
    }
    if (item.kind === 'tool') {
      const owners = Object.entries(ctx.otherTools ?? {}).filter(([server, tools]) => server !== ctx.serverName && tools.includes(item.name)).map(([server]) => server);
      if (owners.length > 0) out.push(finding('descriptions.tool-name-collision', `tool "${item.name}" is also served by ${owners.slice(0, 5).join(', ')}`, `tool:${item.name}`));
    }
  }
  const index = shadowIndex(ctx, ownTools);
  for (const t of texts) {
    const found = checkText(t, index);
    out.push(...found);
    // The detector is the fallback for what the patterns do not name; one finding per text is enough.
    if (found.length > 0 || t.short || t.text.length < 20) continue;
    const s = bestScore(t.text.slice(0, MAX_SCANNED), score);
    if (s && s.score >= threshold) {
      out.push(finding('descriptions.prompt-injection', `${t.what}: prompt-injection detector ${s.category.replace(/_/g, ' ')} score ${s.score.toFixed(2)}: ${excerpt(t.text, 0, 60)}`, t.location));
    }
  }
  return out;
}
