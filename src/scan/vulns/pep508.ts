// PEP 508 dependency specifiers (`name[extra] (>=1.0, ==1.2.3) ; marker`, `name @ url`): just enough to know the
// package and whether one exact version is pinned. Markers are kept as text, not evaluated.

export interface Specifier {
  op: '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '===';
  version: string;
}

export interface Requirement {
  name: string;
  extras: string[];
  specifiers: Specifier[];
  /** `name @ https://…` direct references. */
  url?: string;
  marker?: string;
}

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/;
const EXTRAS = /^\[([^\]]*)\]/;
const SPECIFIER = /^(~=|===|==|!=|<=|>=|<|>)\s*([A-Za-z0-9._+!*-]+)/;
const MAX_LENGTH = 4096;

/** The parsed requirement, or undefined when the text is not a PEP 508 specifier. */
export function parseRequirement(text: string): Requirement | undefined {
  if (text.length > MAX_LENGTH) return undefined;
  let rest = text.trim();
  const semicolon = markerStart(rest);
  let marker: string | undefined;
  if (semicolon >= 0) {
    marker = rest.slice(semicolon + 1).trim();
    rest = rest.slice(0, semicolon).trim();
  }
  const name = NAME.exec(rest);
  if (!name?.[1]) return undefined;
  const req: Requirement = { name: name[1], extras: [], specifiers: [] };
  if (marker !== undefined && marker !== '') req.marker = marker;
  rest = rest.slice(name[1].length).trimStart();
  const extras = EXTRAS.exec(rest);
  if (extras) {
    req.extras = (extras[1] ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '');
    rest = rest.slice(extras[0].length).trimStart();
  }
  if (rest.startsWith('@')) {
    const url = rest.slice(1).trim();
    if (url === '' || /\s/.test(url)) return undefined;
    req.url = url;
    return req;
  }
  if (rest.startsWith('(') && rest.endsWith(')')) rest = rest.slice(1, -1).trim();
  while (rest !== '') {
    const spec = SPECIFIER.exec(rest);
    if (!spec) return undefined;
    req.specifiers.push({ op: spec[1] as Specifier['op'], version: spec[2] ?? '' });
    rest = rest.slice(spec[0].length).trimStart();
    if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
    else if (rest !== '') return undefined;
  }
  return req;
}

/** Where the environment marker starts: the first `;` (URLs end at whitespace, so `name @ url ; marker` needs a space). */
function markerStart(text: string): number {
  const at = text.indexOf(';');
  if (at < 0) return -1;
  if (text.includes('@') && text.indexOf('@') < at) {
    // In `name @ url;x` the semicolon belongs to the URL; only `url ;` starts a marker.
    const spaced = text.search(/\s;/);
    return spaced < 0 ? -1 : spaced + 1;
  }
  return at;
}

/** The one version an `==` (without wildcard) or `===` specifier fixes, or undefined for ranges and wildcards. */
export function exactVersion(req: Requirement): string | undefined {
  const exact = req.specifiers.find((s) => (s.op === '==' && !s.version.includes('*')) || s.op === '===');
  return exact?.version;
}

/** The specifiers as written, for reports: `>=2.0,<3`. */
export function specText(req: Requirement): string {
  if (req.url !== undefined) return req.url;
  return req.specifiers.length === 0 ? '(no version)' : req.specifiers.map((s) => `${s.op}${s.version}`).join(',');
}
