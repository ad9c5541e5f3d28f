// promptfoo-style JavaScript assertions: an expression (or a function body with `return`) over `output` and
// `context`, run in node:vm in a fresh context with a 100 ms budget, no require, no process, no eval.
import { Script, createContext } from 'node:vm';
import { z } from 'zod';
import type { GradeInput, Grader, GraderSpec } from '../types.js';
import { configError, defineGrader, graderHash, lastUserTurn, parseOptions, verdict } from './grader-support.js';

const OPTIONS = z
  .object({
    /** A number result (or an object's score) passes at or above this. */
    threshold: z.number().min(0).max(1).default(0.5),
    /** Budget of one evaluation in ms (default 100). */
    timeoutMs: z.number().int().min(1).max(5_000).default(100),
  })
  .strict();

const MAX_CODE = 100_000;

/**
 * The user's code runs inside an inner function; its result is reduced to JSON inside the sandbox, within the
 * budget, so that no getter or proxy of the sandbox's realm ever runs on the host's side.
 */
function wrap(body: string): string {
  return `(function () {
  "use strict";
  const __in = JSON.parse(__input);
  const __r = (function (output, context) {
${body}
  })(__in.output, __in.context);
  if (__r !== null && (typeof __r === "object" || typeof __r === "function") && typeof __r.then === "function") return '{"kind":"promise"}';
  if (typeof __r === "boolean") return JSON.stringify({ kind: "bool", v: __r });
  if (typeof __r === "number") return JSON.stringify({ kind: "num", v: __r });
  if (__r !== null && typeof __r === "object") {
    const pass = __r.pass, score = __r.score, reason = __r.reason;
    return JSON.stringify({ kind: "obj", pass: pass === undefined ? null : !!pass, score: typeof score === "number" ? score : null, reason: typeof reason === "string" ? reason.slice(0, 300) : null });
  }
  return JSON.stringify({ kind: "other", v: !!__r, type: typeof __r });
})()`;
}

/** An expression first (`output.includes('x')`); a function body with `return` when it is not one. */
function compile(spec: GraderSpec, code: string): Script {
  const attempts = [`return (${code.trim().replace(/;+$/, '')}\n);`, code];
  let last: unknown;
  for (const body of attempts) {
    try {
      return new Script(wrap(body), { filename: 'javascript-assertion.js' });
    } catch (e) {
      last = e;
    }
  }
  throw configError(spec, `does not compile: ${last instanceof Error ? last.message : String(last)}`);
}

interface Reduced {
  kind: 'promise' | 'bool' | 'num' | 'obj' | 'other';
  v?: boolean | number;
  pass?: boolean | null;
  score?: number | null;
  reason?: string | null;
  type?: string;
}

/** What promptfoo hands its assertions as `context`: the prompt, the vars, the test. */
function contextOf(input: GradeInput): Record<string, unknown> {
  const c = input.case;
  const vars = c.metadata?.vars;
  return {
    prompt: lastUserTurn(input),
    vars: vars !== null && typeof vars === 'object' && !Array.isArray(vars) ? vars : {},
    test: { id: c.id, category: c.category, kind: c.kind, metadata: c.metadata ?? {} },
    toolCalls: input.response.toolCalls ?? [],
  };
}

export function createJavascriptGrader(spec: GraderSpec): Grader {
  const code = spec.value;
  if (typeof code !== 'string' || code.trim() === '') throw configError(spec, 'needs the JavaScript code as its value');
  if (code.length > MAX_CODE) throw configError(spec, `code longer than ${MAX_CODE} characters`);
  const o = parseOptions(spec, OPTIONS);
  const script = compile(spec, code);
  const self = { type: spec.type, hash: graderHash(spec) };
  return defineGrader(self.type, self.hash, (input) => {
    const payload = JSON.stringify({ output: input.response.text, context: contextOf(input) });
    // A fresh context per answer: nothing one evaluation leaves behind is seen by the next. Only the input JSON
    // goes in (a string: no host object whose constructor chain reaches the host's Function).
    const sandbox = createContext(Object.assign(Object.create(null) as object, { __input: payload }), {
      codeGeneration: { strings: false, wasm: false },
      microtaskMode: 'afterEvaluate',
    });
    let raw: unknown;
    try {
      raw = script.runInContext(sandbox, { timeout: o.timeoutMs, breakOnSigint: false });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const timedOut = /timed out/i.test(message);
      return verdict(self, 'error', timedOut ? `assertion exceeded its ${o.timeoutMs} ms budget` : `assertion threw: ${message}`);
    }
    const r = JSON.parse(String(raw)) as Reduced;
    switch (r.kind) {
      case 'promise':
        return verdict(self, 'error', 'assertion returned a promise; asynchronous assertions are not supported');
      case 'bool':
        return verdict(self, r.v ? 'pass' : 'fail', `assertion returned ${String(r.v)}`, r.v ? 1 : 0);
      case 'num': {
        const score = Number(r.v);
        if (!Number.isFinite(score)) return verdict(self, 'error', 'assertion returned a number that is not finite');
        return verdict(self, score >= o.threshold ? 'pass' : 'fail', `assertion scored ${score}`, score);
      }
      case 'obj': {
        const score = typeof r.score === 'number' && Number.isFinite(r.score) ? r.score : undefined;
        const pass = typeof r.pass === 'boolean' ? r.pass : score !== undefined ? score >= o.threshold : undefined;
        if (pass === undefined) return verdict(self, 'unscored', 'assertion returned an object with neither pass nor score');
        return verdict(self, pass ? 'pass' : 'fail', r.reason ?? `assertion returned pass: ${String(pass)}`, score ?? (pass ? 1 : 0));
      }
      default:
        return verdict(self, r.v ? 'pass' : 'fail', `assertion returned a ${r.type ?? 'value'} (${r.v ? 'truthy' : 'falsy'})`, r.v ? 1 : 0);
    }
  });
}
