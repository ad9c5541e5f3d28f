// Cue words before a person name ("Dr.", "my name is", "Name:", "Hi"), looked up from the last one to three words
// before a token with set look-ups, so checking a cue costs the same whatever the text around it.

/** 'title': an honorific ("Dr."); 'strong': a naming phrase or label ("my name is", "Name:"); 'weak': a hint ("Hi"). */
export type Cue = 'title' | 'strong' | 'weak';

const TITLE_CUES = new Set(
  'mr mrs ms miss mx dr prof sir madam mme mlle herr frau señor señora sr sra srta signor signora sig dott dra'.split(' '),
);
const STRONG_CUES = new Set([
  'my name is', "my name's", 'name is', 'names are', 'am called', 'call me', 'dear', 'signed', 'sincerely', 'regards',
  'attn', 'attention',
]);
// Strong only before a colon: "Name: ...", "From: ...".
const LABEL_CUES = new Set([
  'name', 'full name', 'first name', 'last name', 'maiden name', 'family name', 'given name', 'patient name',
  'customer name', 'client name', 'employee name', 'contact name', 'surname', 'signature', 'from', 'to', 'cc',
  'author', 'contact', 'patient', 'employee', 'customer', 'client', 'by',
]);
const WEAK_CUES = new Set([
  'i am', "i'm", 'im', 'this is', "it's", 'hi', 'hello', 'hey', 'thanks', 'thank you', 'contact', 'patient',
  'employee', 'customer', 'client', 'applicant', 'tenant', 'student', 'user', 'member', 'from', 'with', 'ask',
  'ask for', 'speak to', 'speak with', 'spoke to', 'spoke with', 'talk to', 'talked to', 'met', 'meet', 'tell',
  'told', 'email', 'call', 'and', 'or',
]);

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10;
}

// Last words of the cue phrases: a quick "no" for most tokens before any phrase is assembled.
const CUE_LAST_WORDS = new Set(
  [...TITLE_CUES, ...STRONG_CUES, ...LABEL_CUES, ...WEAK_CUES].map((phrase) => phrase.slice(phrase.lastIndexOf(' ') + 1)),
);

function isCueLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 39 || c === 0x2019 || c > 0xbf;
}

/** The word ending at `end` (after skipping blanks), as [start, end], or undefined. */
function wordBefore(text: string, end: number): [number, number] | undefined {
  let e = end;
  while (e > 0 && end - e < 4 && isBlank(text.charCodeAt(e - 1))) e--;
  let s = e;
  while (s > 0 && e - s < 16 && isCueLetter(text.charCodeAt(s - 1))) s--;
  return s === e ? undefined : [s, e];
}

/** The kind of name cue that ends right before `index` (blanks and one ':', '?', ',' or '.' allowed between). */
export function cueBefore(text: string, index: number): Cue | undefined {
  let end = index;
  while (end > 0 && index - end < 4 && isBlank(text.charCodeAt(end - 1))) end--;
  const mark = text[end - 1];
  const colon = mark === ':' || mark === '?'; // "Name: X", "What's your last name? X"
  const dot = mark === '.';
  if (colon || dot || mark === ',') end--;
  const w1 = wordBefore(text, end);
  if (!w1) return undefined;
  const last = text.slice(w1[0], w1[1]).toLowerCase();
  if (!CUE_LAST_WORDS.has(last)) return undefined;
  if (TITLE_CUES.has(last) && !colon) return 'title';
  if (dot) return undefined; // a sentence ended: "... and so on. Michael"
  const words = [last];
  const w2 = wordBefore(text, w1[0]);
  if (w2) {
    words.unshift(text.slice(w2[0], w2[1]).toLowerCase());
    const w3 = wordBefore(text, w2[0]);
    if (w3) words.unshift(text.slice(w3[0], w3[1]).toLowerCase());
  }
  for (let n = words.length; n >= 1; n--) {
    const phrase = words.slice(words.length - n).join(' ');
    if (STRONG_CUES.has(phrase) || (colon && LABEL_CUES.has(phrase))) return 'strong';
    if (WEAK_CUES.has(phrase)) return 'weak';
  }
  return undefined;
}
