// Space-separated words on one line, read forwards or backwards from a position: the units of the address grammar.

export interface Token {
  start: number;
  end: number;
  text: string;
}

const MAX_TOKEN = 40;

function isStop(c: number): boolean {
  // newline, carriage return, , ; : ( ) ! ? " and the typographic quotes
  return (
    c === 10 || c === 13 || c === 44 || c === 59 || c === 58 || c === 40 || c === 41 || c === 33 || c === 63 ||
    c === 34 || c === 0x201c || c === 0x201d
  );
}

/** Up to `max` words from `pos`, stopping at the end of the line or at a comma, colon, bracket or quote. */
export function lineTokens(text: string, pos: number, max: number): Token[] {
  const tokens: Token[] = [];
  let i = pos;
  while (tokens.length < max && i < text.length) {
    while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    const start = i;
    while (i < text.length && i - start <= MAX_TOKEN) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || isStop(c)) break;
      i++;
    }
    if (i === start || i - start > MAX_TOKEN) break;
    tokens.push({ start, end: i, text: text.slice(start, i) });
    if (i < text.length && isStop(text.charCodeAt(i))) break;
  }
  return tokens;
}

/** Up to `max` words before `pos` on the same line, nearest first, stopping like lineTokens. */
export function tokensBefore(text: string, pos: number, max: number): Token[] {
  const tokens: Token[] = [];
  let i = pos;
  while (tokens.length < max && i > 0) {
    while (i > 0 && (text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) i--;
    const end = i;
    while (i > 0 && end - i <= MAX_TOKEN) {
      const c = text.charCodeAt(i - 1);
      if (c === 32 || c === 9 || isStop(c)) break;
      i--;
    }
    if (i === end || end - i > MAX_TOKEN) break;
    tokens.push({ start: i, end, text: text.slice(i, end) });
    if (i > 0 && isStop(text.charCodeAt(i - 1))) break;
  }
  return tokens;
}
