// JSON Web Tokens (JWS compact form): three base64url parts whose header decodes to JSON with an "alg".
import { isKnownExample } from './examples.js';
import type { Scanner, ScanEnv } from './rule.js';

const JWT_RE = /(?<![\w.-])eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
const MAX_HEADER = 1024;

/** The decoded JOSE header, or undefined when the first part is not base64url JSON with a string "alg". */
export function jwtHeader(token: string): { alg: string } | undefined {
  const dot = token.indexOf('.');
  if (dot < 0 || dot > MAX_HEADER) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    if (header !== null && typeof header === 'object' && typeof (header as { alg?: unknown }).alg === 'string') {
      return header as { alg: string };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function scanJwt(env: ScanEnv): void {
  JWT_RE.lastIndex = 0;
  for (let m = JWT_RE.exec(env.text); m !== null; m = JWT_RE.exec(env.text)) {
    const token = m[0];
    const header = jwtHeader(token);
    if (!header) continue;
    if (env.ignoreExamples && isKnownExample(token)) continue;
    const signature = token.slice(token.lastIndexOf('.') + 1);
    // An unsigned token ("alg": "none") grants nothing by itself to a correct verifier: lower score and severity.
    const unsigned = header.alg.toLowerCase() === 'none' || signature.length === 0;
    env.emit({
      rule: 'jwt',
      start: m.index,
      end: m.index + token.length,
      score: unsigned ? 0.55 : 0.9,
      ...(unsigned ? { severity: 'medium' as const } : {}),
      metadata: { alg: header.alg },
    });
  }
}

export const JWT_SCANNER: Scanner = { name: 'jwt', anchors: ['eyJ'], rules: ['jwt'], scan: scanJwt };
