// One finding in one sentence for the table and SARIF: the message, then in brackets what it does not say already
// (the global, the fragment, the member, the byte offset). Raw text: callers make it safe for where it goes.
import type { ScanFinding } from '../types.js';

export function describeFinding(f: ScanFinding, memberWord = 'in'): string {
  const text = f.message.replace(/\.\s*$/, '');
  const extras: string[] = [];
  if (f.global !== undefined && !text.includes(f.global)) extras.push(`global ${f.global}`);
  if (f.fragment !== undefined && !text.includes(f.fragment)) extras.push(`"${f.fragment}"`);
  if (f.member !== undefined && !text.includes(f.member)) extras.push(`${memberWord} ${f.member}`);
  if (f.offset !== undefined && !text.includes(`byte ${f.offset}`)) extras.push(`at byte ${f.offset}`);
  return extras.length === 0 ? text : `${text} (${extras.join(', ')})`;
}
