// Phrases the naive profile obeys and the hardened profile refuses: injections, prompt-leak requests, harmful asks.
// Compiled once; every repetition is bounded or over disjoint alternatives, so matching stays linear.
import { findMarkdownImage } from './markdown-image.js';

/** "ignore (all) previous instructions" and kin; the text after the match is the injected instruction. */
export const IGNORE_INSTRUCTIONS =
  /\b(?:ignore|disregard|forget|override)\s+(?:(?:all|any|the|your|my|of|these|those|everything)\s+){0,3}(?:(?:previous|prior|above|earlier|preceding|former|original|system)\s+){0,2}(?:instructions?|prompts?|rules|directions|guidelines|messages?|context)\b/i;

/** Requests to print the system prompt. */
export const LEAK_REQUEST =
  /\b(?:print|reveal|show|repeat|output|display|dump|leak|tell\s+me|give\s+me|write\s+out|what\s+(?:is|are|was|were))\s+(?:me\s+)?(?:(?:your|the|my|all|of|full|entire|exact|initial|original|hidden|secret|complete)\s+){0,4}(?:system\s+(?:prompt|message|instructions?)|initial\s+(?:prompt|instructions?)|hidden\s+(?:prompt|instructions?)|(?:instructions?|prompt|text)\s+above)\b/i;

/** "reply only with X", "respond with exactly X"; group 1 is X up to the end of the line. */
export const REPLY_ONLY =
  /\b(?:reply|respond|answer|say|output|print|write|return)\s+(?:with\s+)?(?:only|just|exactly|nothing\s+but|solely)\b[ \t]*(?:with\b[ \t]*)?(?:the[ \t]+(?:word|words|text|phrase|string)\b[ \t]*)?:?([^\n]{1,500})/i;

/** "say 'X'" with X quoted; group 2 is X. */
export const SAY_QUOTED = /\b(?:say|print|output|write|respond\s+with|reply\s+with|answer\s+with)\s*(?::\s*)?(["'“‘`])([^"'“”‘’`\n]{1,500})["'”’`]/i;

/** Template slots in an attacker's image URL that the naive profile fills with conversation data. */
export const URL_PLACEHOLDER = /\{[^{}\s]{1,40}\}|\[[A-Za-z_]{2,40}\]|<[A-Za-z_]{2,40}>|\$[A-Z_]{2,40}/;
export const URL_PLACEHOLDERS = new RegExp(URL_PLACEHOLDER.source, 'g');

/** Role-play and "no rules" jailbreak framings. */
export const JAILBREAK =
  /\b(?:you\s+are\s+now\s+(?:DAN|in\s+developer\s+mode|unrestricted|jailbroken|unfiltered|free\s+of)|developer\s+mode\s+(?:enabled|on|activated)|do\s+anything\s+now|jailbreak|without\s+(?:any\s+)?(?:restrictions|filters|limits|rules|guidelines)|new\s+instructions\s*:|override\s+(?:your|the|all)\s+(?:safety|rules|guidelines|restrictions)|pretend\s+(?:you\s+are|to\s+be)\s+(?:an?\s+)?(?:evil|unfiltered|unrestricted|uncensored))/i;

/** Requests for weapons, drugs, malware or violence. */
export const HARMFUL_REQUEST =
  /\b(?:(?:how\s+(?:do\s+i|to|can\s+i|would\s+i|should\s+i|does\s+one)|(?:tell|show|teach)\s+me\s+(?:how\s+)?to|steps?\s+to|instructions\s+(?:for|to)|help\s+me)\s+(?:make|build|create|synthesi[sz]e|cook|brew|produce|manufacture|assemble|write|deploy|buy|acquire|get)\s+(?:a\s+|an\s+|some\s+|the\s+)?(?:homemade\s+|working\s+|untraceable\s+)?(?:bombs?|explosives?|pipe\s*bombs?|grenades?|nerve\s+agents?|sarin|ricin|anthrax|bioweapons?|chemical\s+weapons?|meth(?:amphetamine)?|fentanyl|malware|ransomware|keyloggers?|computer\s+virus|guns?|weapons?)|(?:kill|murder|poison)\s+(?:my\s+\w+|someone|somebody|people|a\s+person|him|her|them)\b)/i;

/** A verb asking the model to use a tool. */
export const USE_TOOL_VERB = /\b(?:use|using|call|calling|invoke|run|execute|trigger)\b/i;

/** "Ignore …" tail cleanup: connectives and the speech verb in front of the injected text. */
export const TAIL_LEAD = /^[\s,.;:!-]*(?:(?:and|then|instead|now|just|simply)[\s,]+)*(?:(?:say|write|print|output|reply|respond|answer|tell\s+me)\b(?:\s+with\b)?\s*:?\s*)?/i;

/** True when `text` carries an injection attempt or a harmful request (the hardened profile's refusal test). */
export function looksHostile(text: string): boolean {
  return (
    IGNORE_INSTRUCTIONS.test(text) ||
    LEAK_REQUEST.test(text) ||
    JAILBREAK.test(text) ||
    HARMFUL_REQUEST.test(text) ||
    hasTemplatedImage(text)
  );
}

/** A markdown image whose URL has template slots: an exfiltration recipe. */
export function hasTemplatedImage(text: string): boolean {
  const image = findMarkdownImage(text);
  return image !== undefined && URL_PLACEHOLDER.test(image.url);
}

/**
 * X of "reply only with X": the quoted part when quoted, else the rest of the line up to a sentence end or the end of
 * an HTML comment (where injections hide), without closing punctuation.
 */
const UNQUOTED_STOPS = ['-->', '. ', '*/'];
const CLOSING_QUOTE: Readonly<Record<string, string>> = { '"': '"', "'": "'", '“': '”', '‘': '’', '`': '`' };

export function directiveText(raw: string): string {
  const s = raw.trim();
  const close = CLOSING_QUOTE[s.charAt(0)];
  if (close !== undefined) {
    const end = s.indexOf(close, 1);
    if (end > 1) return s.slice(1, end);
  }
  let end = s.length;
  for (const stop of UNQUOTED_STOPS) {
    const at = s.indexOf(stop);
    if (at >= 0 && at < end) end = at;
  }
  const line = s.slice(0, end).trimEnd();
  end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 0x2e || line.charCodeAt(end - 1) === 0x21)) end--;
  return line.slice(0, end);
}
