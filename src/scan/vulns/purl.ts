// Package URLs (github.com/package-url/purl-spec): `pkg:type/namespace/name@version?qualifiers#subpath`.
import type { Ecosystem } from './types.js';

export interface Purl {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
}

/** The parsed purl, or undefined when the text is not one. */
export function parsePurl(text: string): Purl | undefined {
  if (text.length > 4096 || !/^pkg:/i.test(text)) return undefined;
  let rest = text.slice(4).replace(/^\/+/, '');
  rest = rest.replace(/#.*$/, '').replace(/\?.*$/, '');
  let version: string | undefined;
  const at = rest.lastIndexOf('@');
  // An `@` right after a slash starts an unencoded npm scope, not a version.
  if (at > 0 && rest[at - 1] !== '/') {
    version = decode(rest.slice(at + 1));
    rest = rest.slice(0, at);
  }
  const segments = rest.split('/').filter((s) => s !== '');
  if (segments.length < 2) return undefined;
  const type = (segments.shift() ?? '').toLowerCase();
  const name = decode(segments.pop() ?? '');
  if (!/^[a-z][a-z0-9.+-]*$/.test(type) || name === undefined || name === '') return undefined;
  const purl: Purl = { type, name };
  const namespace = segments.map(decode);
  if (namespace.some((s) => s === undefined)) return undefined;
  if (namespace.length > 0) purl.namespace = namespace.join('/');
  if (version !== undefined && version !== '') purl.version = version;
  return purl;
}

/** The ecosystem and package name a purl denotes, for the types we match (pypi, npm). */
export function purlPackage(purl: Purl): { ecosystem: Ecosystem; name: string } | undefined {
  const ecosystem: Ecosystem | undefined = purl.type === 'pypi' ? 'PyPI' : purl.type === 'npm' ? 'npm' : undefined;
  if (ecosystem === undefined) return undefined;
  const name = ecosystem === 'npm' && purl.namespace !== undefined ? `${purl.namespace}/${purl.name}` : purl.name;
  return { ecosystem, name };
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
