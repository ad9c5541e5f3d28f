// Person names written in lower case: after a naming cue ("my name is lena andersson"), and, in text without any
// capital letter, pairs of listed names ("eva kleist lives at ...") and lists of given names.
import { cueBefore } from './name-cues.js';
import { classifyToken, type NameGrade, type NameToken } from './name-tokens.js';
import { nameLexicon } from './names/lexicon.js';
import type { PiiCandidate } from './types.js';

// Plain ASCII and no lookahead, so the engine can search for the literals quickly; the next letter is checked in code.
const NAME_CUE = /\b(?:my name is|my name's|name is|name:|names are|call me|i am called)[ \t]+/gi;
const LOWER_START = /^\p{Ll}/u;
const LOWER_WORD = /\p{Ll}[\p{Ll}\p{M}'’-]*/gu;
const LOWER_WORD_AT = /\p{Ll}[\p{Ll}\p{M}'’-]*/uy;
const LIST_GAP = /^(?:,? (?:and|or|&) |, ?)$/;
const NAMEY = new Set<NameGrade>(['given', 'family', 'part']);

// Pairs in lower case rest on the lists alone: ordinary and unknown words never pair.
function lowerPair(a: NameGrade, b: NameGrade): number {
  if (a === 'given') {
    return b === 'family' ? 0.75 : b === 'part' ? 0.7 : b === 'given' || b === 'familyWord' ? 0.6 : b === 'givenWord' ? 0.55 : 0;
  }
  if (a === 'part') return b === 'family' ? 0.65 : b === 'part' ? 0.55 : 0;
  return 0;
}
// Words that join the names of a list ("adam, eve and kristina") without ending it.
const CONNECTIVES = new Set(['and', 'or', 'und', 'et']);

/** Up to three name words after a naming cue ("my name is lena andersson"). */
function afterCues(text: string, out: PiiCandidate[]): void {
  const lex = nameLexicon();
  NAME_CUE.lastIndex = 0;
  for (let m = NAME_CUE.exec(text); m !== null; m = NAME_CUE.exec(text)) {
    let pos = m.index + m[0].length;
    if (!LOWER_START.test(text.slice(pos, pos + 1))) continue;
    let end = -1;
    let best: NameGrade | undefined;
    for (let k = 0; k < 3; k++) {
      LOWER_WORD_AT.lastIndex = pos;
      const w = LOWER_WORD_AT.exec(text);
      if (!w || w[0].length > 40) break;
      const t = classifyToken(text, pos, w[0], lex);
      if (t.grade === 'common' || t.grade === 'stop' || t.foreignScript || t.initial) break;
      end = t.end;
      if (best === undefined || NAMEY.has(t.grade)) best = t.grade;
      if (t.possessive || text.charCodeAt(t.end) !== 32) break;
      pos = t.end + 1;
    }
    if (end > 0 && best !== undefined) {
      const start = m.index + m[0].length;
      out.push({ entity: 'person', start, end, score: NAMEY.has(best) || best === 'givenWord' ? 0.8 : 0.6 });
    }
    NAME_CUE.lastIndex = Math.max(NAME_CUE.lastIndex, end);
  }
}

/**
 * Names in lower case. `cuedOnly`: only after naming cues (the text has capitals and the capitalised scan ran);
 * otherwise the whole text is lower case and listed pairs, cued words and lists of given names count too.
 */
export function scanLowercaseNames(text: string, out: PiiCandidate[], cuedOnly = false): void {
  if (text.includes('name') || text.includes('call me')) afterCues(text, out);
  if (cuedOnly) return;
  const lex = nameLexicon();
  const tokens: NameToken[] = [];
  LOWER_WORD.lastIndex = 0;
  for (let m = LOWER_WORD.exec(text); m !== null; m = LOWER_WORD.exec(text)) {
    if (m[0].length > 40 || m[0].length < 3 || (m.index > 0 && /[\p{L}\p{N}_@./\\-]/u.test(text[m.index - 1] ?? ''))) continue;
    tokens.push(classifyToken(text, m.index, m[0], lex));
  }
  let chain: NameToken[] = [];
  const flushChain = (): void => {
    // Three listed given names make a list of people; its other members ride along.
    if (chain.filter((t) => t.grade === 'given').length >= 3) {
      for (const t of chain) out.push({ entity: 'person', start: t.start, end: t.end, score: 0.6 });
    }
    chain = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const a = tokens[i] as NameToken;
    const b = tokens[i + 1];
    const paired = b !== undefined && b.start - a.end === 1 && text.charCodeAt(a.end) === 32 && !a.possessive;
    const score = paired ? lowerPair(a.grade, b.grade) : 0;
    if (score > 0 && b) {
      flushChain();
      const cue = cueBefore(text, a.start);
      const cued = cue === 'title' || cue === 'strong' || cue === 'role';
      out.push({ entity: 'person', start: a.start, end: b.end, score: cued ? Math.max(score, 0.75) : score });
      i++;
      continue;
    }
    if (CONNECTIVES.has(a.lower)) continue;
    if (!NAMEY.has(a.grade) && a.grade !== 'givenWord') {
      flushChain();
      continue;
    }
    const cue = cueBefore(text, a.start);
    if (cue === 'title' || cue === 'strong' || cue === 'role') {
      out.push({ entity: 'person', start: a.start, end: a.end, score: 0.75 });
      continue;
    }
    // A list of given names: "they had 6: silvana, adam, christopher, kristina, chad and caleb."
    const last = chain[chain.length - 1];
    if (last && !LIST_GAP.test(text.slice(last.end, a.start))) flushChain();
    chain.push(a);
  }
  flushChain();
}
