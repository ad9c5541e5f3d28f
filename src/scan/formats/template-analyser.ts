// The syntax-tree side of the chat-template analyser: walks statements and expressions with constant folding
// (template-eval.ts), tracks variables, namespaces, loops and macro calls, and checks every attribute name the
// template reads against the escape patterns.
import type { ScanRule } from '../rules.js';
import { child, children, isNode, opOf, showNode, str, type N } from './template-ast.js';
import {
  constFilter,
  isDict,
  isList,
  known,
  lift,
  pyIndex,
  pyPercent,
  pySlice,
  pyStr,
  strMethod,
  union,
  UNKNOWN,
  UNKNOWN_BUILT,
  type Const,
  type Val,
} from './template-eval.js';
import {
  ATTRIBUTE_FILTERS,
  BUILT_EXACT,
  CALL_ATTRS,
  CALL_IDENTS,
  DUNDER,
  ESCAPE_DUNDER,
  EXEC_ATTRS,
  GADGET_ROOTS,
  LOOP_ATTRS,
  MAX_FINDINGS,
  MODULES,
  TEMPLATE_RULES,
  type TemplateFinding,
} from './template-rules.js';

/** Expression nodes visited per template (loops over short constant lists and macro calls are unrolled within this). */
const MAX_STEPS = 2_000_000;
const MAX_DEPTH = 200;

/** Thrown when the analysis budget (steps, depth) is spent. */
export class Bail extends Error {}

interface Env {
  vars: Map<string, Val>;
}

function fork(env: Env): Env {
  return { vars: new Map(env.vars) };
}

/** After two branches: a variable may hold what either branch left in it. */
function merge(into: Env, ...branches: Env[]): void {
  const names = new Set(branches.flatMap((b) => [...b.vars.keys()]));
  for (const name of names) {
    const vs = branches.map((b) => b.vars.get(name) ?? into.vars.get(name) ?? UNKNOWN);
    into.vars.set(name, union(...vs));
  }
}

export class Analyser {
  readonly findings = new Map<string, TemplateFinding>();
  private steps = 0;
  private macroDepth = 0;
  private loopDepth = 0;
  private unrollDepth = 0;
  /** Macro calls already analysed with the same constant arguments. */
  private readonly macroCalls = new Set<string>();
  private readonly macros = new Map<string, N>();

  constructor(private readonly locals: ReadonlySet<string>) {}

  report(rule: ScanRule, node: N | undefined, message: string, fragment = showNode(node)): void {
    const key = `${rule.id}\u0000${fragment}\u0000${message}`;
    if (this.findings.has(key) || this.findings.size >= MAX_FINDINGS) return;
    this.findings.set(key, { rule, fragment, message });
  }

  private tick(depth: number): void {
    if (++this.steps > MAX_STEPS || depth > MAX_DEPTH) throw new Bail();
  }

  // -- statements --

  body(stmts: N[], env: Env, depth: number): void {
    for (const s of stmts) this.stmt(s, env, depth + 1);
  }

  stmt(s: N, env: Env, depth: number): void {
    this.tick(depth);
    switch (s.type) {
      case 'Program':
        return this.body(children(s, 'body'), env, depth);
      case 'If': {
        this.expr(child(s, 'test'), env, depth);
        const a = fork(env);
        const b = fork(env);
        this.body(children(s, 'body'), a, depth);
        this.body(children(s, 'alternate'), b, depth);
        return merge(env, a, b);
      }
      case 'For':
        return this.forLoop(s, env, depth);
      case 'Set': {
        const value = child(s, 'value');
        let v: Val = UNKNOWN_BUILT;
        if (value) v = this.expr(value, env, depth);
        else v = this.blockValue(children(s, 'body'), env, depth);
        this.assign(child(s, 'assignee'), v, env, depth);
        return this.bindNamespace(child(s, 'assignee'), value, env, depth);
      }
      case 'Macro': {
        const name = str(child(s, 'name'));
        if (name !== undefined) this.macros.set(name, s);
        // Analysed once with unknown arguments, so a macro that is never called is still checked.
        const inner = fork(env);
        this.bindParams(s, [], new Map(), inner, depth);
        return this.body(children(s, 'body'), inner, depth);
      }
      case 'CallStatement':
        this.expr(child(s, 'call'), env, depth);
        return this.body(children(s, 'body'), fork(env), depth);
      case 'FilterStatement':
        this.applyFilter(s, UNKNOWN_BUILT, env, depth);
        return this.body(children(s, 'body'), env, depth);
      case 'Comment':
      case 'Break':
      case 'Continue':
        return;
      default:
        this.expr(s, env, depth);
    }
  }

  private forLoop(s: N, env: Env, depth: number): void {
    const iter = this.expr(child(s, 'iterable'), env, depth);
    const loopvar = child(s, 'loopvar');
    const items: Const[] = [];
    let unrollable = !iter.unknown && iter.consts.length === 1;
    const only = iter.consts[0];
    if (unrollable && only !== undefined) {
      if (typeof only === 'string') items.push(...only);
      else if (isList(only)) items.push(...only.list);
      else if (isDict(only)) items.push(...only.dict.keys());
      else unrollable = false;
    }
    // Loops over short constant lists are unrolled (that is how names get spelt a piece at a time); long or deeply
    // nested ones would multiply the work, so they are treated like loops over unknown data.
    if (unrollable && items.length <= 64 && this.unrollDepth < 2) {
      this.unrollDepth++;
      try {
        for (const item of items) {
          this.assign(loopvar, known(item, iter.built), env, depth);
          this.body(children(s, 'body'), env, depth);
        }
      } finally {
        this.unrollDepth--;
      }
    } else {
      // Unknown iterable: a second pass shows values accumulated across iterations (ns.x = ns.x ~ …); it is only
      // needed when the first changed a variable, and nested loops get it only near the top, so cost stays linear.
      for (let i = 0; i < 2; i++) {
        const pass = fork(env);
        const sample = iter.consts.flatMap((c) => (isList(c) ? c.list.slice(0, 8).map((x) => known(x, iter.built)) : []));
        this.assign(loopvar, union(iter.built ? UNKNOWN_BUILT : UNKNOWN, ...sample), pass, depth);
        this.loopDepth++;
        try {
          this.body(children(s, 'body'), pass, depth);
        } finally {
          this.loopDepth--;
        }
        const changed = [...pass.vars].some(([k, v]) => env.vars.has(k) && env.vars.get(k) !== v);
        merge(env, env, pass);
        if (!changed || this.loopDepth >= 3) break;
      }
    }
    this.body(children(s, 'defaultBlock'), env, depth);
  }

  private assign(target: N | undefined, v: Val, env: Env, depth: number): void {
    if (!target) return;
    if (target.type === 'Identifier') {
      env.vars.set(String(target.value), v);
    } else if (target.type === 'MemberExpression' && !target.computed) {
      const obj = child(target, 'object');
      const prop = str(child(target, 'property'));
      this.expr(target, env, depth);
      if (obj?.type === 'Identifier' && prop !== undefined) env.vars.set(`${String(obj.value)}.${prop}`, v);
    } else if (target.type === 'TupleLiteral' || target.type === 'ArrayLiteral') {
      const parts = Array.isArray(target.value) ? target.value.filter(isNode) : [];
      parts.forEach((p, i) => this.assign(p, lift([v], ([c]) => pyIndex(c!, i), false), env, depth));
    } else {
      this.expr(target, env, depth);
    }
  }

  /** `{% set x %}…{% endset %}`: the text the body renders, when every piece of it is a known constant. */
  private blockValue(stmts: N[], env: Env, depth: number): Val {
    const parts: Val[] = [];
    for (const st of stmts) {
      if (['If', 'For', 'Set', 'Macro', 'CallStatement', 'FilterStatement', 'Break', 'Continue', 'Comment', 'Program'].includes(st.type)) {
        this.stmt(st, env, depth);
        if (st.type !== 'Comment') parts.push(UNKNOWN);
      } else parts.push(this.expr(st, env, depth + 1));
    }
    const v = lift(parts, (cs) => cs.map(pyStr).join(''), true);
    this.checkBuilt(v, stmts[0] ?? { type: 'Text' });
    return v;
  }

  /** `{% set ns = namespace(a='x') %}` gives `ns.a` a starting value, so `ns.a = ns.a ~ …` folds across a loop. */
  private bindNamespace(target: N | undefined, value: N | undefined, env: Env, depth: number): void {
    if (target?.type !== 'Identifier' || value?.type !== 'CallExpression' || str(child(value, 'callee')) !== 'namespace') return;
    for (const a of children(value, 'args')) {
      if (a.type !== 'KeywordArgumentExpression') continue;
      env.vars.set(`${String(target.value)}.${str(child(a, 'key')) ?? ''}`, this.expr(child(a, 'value'), env, depth));
    }
  }

  private bindParams(macro: N, args: Val[], kwargs: Map<string, Val>, env: Env, depth: number): void {
    const params = children(macro, 'args');
    params.forEach((p, i) => {
      if (p.type === 'Identifier') {
        env.vars.set(String(p.value), args[i] ?? kwargs.get(String(p.value)) ?? UNKNOWN);
      } else if (p.type === 'KeywordArgumentExpression') {
        const name = str(child(p, 'key')) ?? '';
        const dflt = this.expr(child(p, 'value'), env, depth);
        env.vars.set(name, args[i] ?? kwargs.get(name) ?? union(dflt, UNKNOWN));
      }
    });
    env.vars.set('varargs', UNKNOWN);
    env.vars.set('kwargs', UNKNOWN);
  }

  // -- names in attribute position --

  /** Checks one attribute name read from an object; `dot` when written `x.name` (not `x['name']` or computed). */
  private checkName(name: string, node: N, opts: { called: boolean; dot: boolean; viaAttr?: boolean }): boolean {
    const how = opts.viaAttr ? `|attr('${name}')` : opts.dot ? `.${name}` : `['${name}']`;
    if (DUNDER.test(name)) {
      this.report(TEMPLATE_RULES['sandbox-escape'], node, `template reads ${how}, a Python internal used to escape the Jinja sandbox`);
      return true;
    }
    if (MODULES.has(name) || EXEC_ATTRS.has(name) || (opts.called && CALL_ATTRS.has(name))) {
      this.report(TEMPLATE_RULES['code-execution'], node, `template reaches ${how}${opts.called ? '(…)' : ''}, which runs code on the host`);
      return true;
    }
    if (name.startsWith('_') && (opts.dot || opts.viaAttr)) {
      this.report(TEMPLATE_RULES['private-attribute'], node, `template reads the private attribute ${how}`);
      return true;
    }
    return false;
  }

  /** Checks the possible values of a computed attribute name. */
  private checkComputedName(v: Val, node: N, opts: { called: boolean; viaAttr?: boolean }): void {
    let flagged = false;
    for (const c of v.consts) if (typeof c === 'string') flagged = this.checkName(c, node, { ...opts, dot: false }) || flagged;
    if (!flagged && v.unknown && (v.built || opts.viaAttr)) {
      this.report(TEMPLATE_RULES['dynamic-attribute'], node, opts.viaAttr ? 'template reads an attribute through |attr() with a name computed at render time' : 'template reads an attribute whose name is assembled at render time');
    }
  }

  /** A string produced by a building operation that spells a dunder or module name is an obfuscation. */
  private checkBuilt(v: Val, node: N): void {
    if (!v.built) return;
    for (const c of v.consts) {
      if (typeof c !== 'string') continue;
      const m = ESCAPE_DUNDER.exec(c);
      const hit = m ? m[0] : BUILT_EXACT.has(c) ? c : undefined;
      if (hit !== undefined) this.report(TEMPLATE_RULES['obfuscated-name'], node, `template assembles the name '${hit}' from pieces`);
    }
  }

  private rootIdentifier(n: N | undefined): string | undefined {
    if (n?.type !== 'Identifier') return undefined;
    const name = String(n.value);
    return this.locals.has(name) ? undefined : name;
  }

  // -- expressions --

  expr(n: N | undefined, env: Env, depth: number, called = false): Val {
    if (!n) return UNKNOWN;
    this.tick(depth);
    const d = depth + 1;
    switch (n.type) {
      case 'StringLiteral':
        return known(String(n.value));
      case 'IntegerLiteral':
      case 'FloatLiteral':
        return typeof n.value === 'number' ? known(n.value) : UNKNOWN;
      case 'ArrayLiteral':
      case 'TupleLiteral': {
        const items = (Array.isArray(n.value) ? n.value.filter(isNode) : []).map((x) => this.expr(x, env, d));
        return lift(items, (cs) => ({ list: cs }), false);
      }
      case 'ObjectLiteral':
        return this.objectLiteral(n, env, d);
      case 'Identifier':
        return this.identifier(n, env);
      case 'MemberExpression':
        return this.member(n, env, d, called);
      case 'CallExpression':
        return this.call(n, env, d);
      case 'FilterExpression':
        return this.applyFilter(n, this.expr(child(n, 'operand'), env, d), env, d, called);
      case 'BinaryExpression':
        return this.binary(n, env, d);
      case 'UnaryExpression': {
        const v = this.expr(child(n, 'argument'), env, d);
        if (opOf(n) === '-') return lift([v], ([c]) => (typeof c === 'number' ? -c : undefined), false);
        return UNKNOWN;
      }
      case 'TestExpression':
        this.expr(child(n, 'operand'), env, d);
        return UNKNOWN;
      case 'Ternary': {
        this.expr(child(n, 'condition'), env, d);
        return union(this.expr(child(n, 'trueExpr'), env, d, called), this.expr(child(n, 'falseExpr'), env, d, called));
      }
      case 'SelectExpression': {
        const v = this.expr(child(n, 'lhs'), env, d);
        this.expr(child(n, 'test'), env, d);
        return union(v, UNKNOWN);
      }
      case 'KeywordArgumentExpression':
        return this.expr(child(n, 'value'), env, d);
      case 'SpreadExpression':
      case 'KeywordSpreadExpression':
        this.expr(child(n, 'argument'), env, d);
        return UNKNOWN;
      case 'SliceExpression':
        for (const k of ['start', 'stop', 'step']) this.expr(child(n, k), env, d);
        return UNKNOWN;
      default:
        // A node type this analyser does not know (a newer parser): still visit what hangs below it.
        for (const v of Object.values(n)) {
          if (isNode(v)) this.expr(v, env, d);
          else if (Array.isArray(v)) for (const x of v) if (isNode(x)) this.expr(x, env, d);
        }
        return UNKNOWN;
    }
  }

  private objectLiteral(n: N, env: Env, d: number): Val {
    const keys: Val[] = [];
    const vals: Val[] = [];
    if (n.value instanceof Map) {
      for (const [k, v] of n.value as Map<unknown, unknown>) {
        keys.push(this.expr(isNode(k) ? k : undefined, env, d));
        vals.push(this.expr(isNode(v) ? v : undefined, env, d));
      }
    }
    return lift([...keys, ...vals], (cs) => {
      const m = new Map<string, Const>();
      for (let i = 0; i < keys.length; i++) {
        const k = cs[i];
        if (typeof k !== 'string') return undefined;
        m.set(k, cs[keys.length + i]!);
      }
      return { dict: m };
    }, false);
  }

  private identifier(n: N, env: Env): Val {
    const name = String(n.value);
    if (DUNDER.test(name) && !this.locals.has(name)) {
      this.report(TEMPLATE_RULES['sandbox-escape'], n, `template names ${name}, a Python internal used to escape the Jinja sandbox`);
    }
    const v = env.vars.get(name);
    if (v) return v;
    if (name === 'true' || name === 'True') return known(true);
    if (name === 'false' || name === 'False') return known(false);
    if (name === 'none' || name === 'None') return known(null);
    return UNKNOWN;
  }

  private member(n: N, env: Env, d: number, called: boolean): Val {
    const objNode = child(n, 'object');
    const propNode = child(n, 'property');
    const obj = this.expr(objNode, env, d);
    if (n.computed) {
      if (propNode?.type === 'SliceExpression') {
        const [a, b, c] = ['start', 'stop', 'step'].map((k) => {
          const x = child(propNode, k);
          return x ? this.expr(x, env, d) : known(null);
        }) as [Val, Val, Val];
        const r = lift([obj, a, b, c], ([o, x, y, z]) => pySlice(o!, x, y, z), obj.consts.some((x) => typeof x === 'string'));
        this.checkBuilt(r, n);
        return r;
      }
      const key = this.expr(propNode, env, d);
      this.checkComputedName(key, n, { called });
      this.rootChecks(objNode, undefined, n, called);
      const r = lift([obj, key], ([o, k]) => pyIndex(o!, k!), obj.consts.some((x) => typeof x === 'string'));
      this.checkBuilt(r, n);
      return r;
    }
    const name = str(propNode) ?? '';
    // An attribute the template itself declared on a namespace (ns = namespace(sys='')) is plain data.
    const declared = objNode?.type === 'Identifier' ? env.vars.get(`${String(objNode.value)}.${name}`) : undefined;
    const flagged = declared && !DUNDER.test(name) ? false : this.checkName(name, n, { called, dot: true });
    this.rootChecks(objNode, flagged ? undefined : name, n, called);
    if (declared) return declared;
    // Jinja's getattr falls back to item lookup: {'a': 'b'}.a is 'b'.
    return lift([obj], ([o]) => (isDict(o!) ? o.dict.get(name) : undefined), false);
  }

  /** Module roots (`os.popen`) and Jinja globals used as objects (`cycler.__init__`, `lipsum.x`). */
  private rootChecks(objNode: N | undefined, attr: string | undefined, n: N, called: boolean): void {
    const root = this.rootIdentifier(objNode);
    if (root === undefined) return;
    if (MODULES.has(root)) {
      this.report(TEMPLATE_RULES['code-execution'], n, `template uses the module ${root}${called ? ' in a call' : ''}`);
    } else if (attr !== undefined && GADGET_ROOTS.has(root) && !(root === 'loop' && LOOP_ATTRS.has(attr))) {
      this.report(TEMPLATE_RULES['gadget-root'], n, `template reads .${attr} of the Jinja global ${root}`);
    }
  }

  private args(n: N, env: Env, d: number): { pos: Val[]; kw: Map<string, Val> } {
    const pos: Val[] = [];
    const kw = new Map<string, Val>();
    for (const a of children(n, 'args')) {
      if (a.type === 'KeywordArgumentExpression') kw.set(str(child(a, 'key')) ?? '', this.expr(child(a, 'value'), env, d));
      else pos.push(this.expr(a, env, d));
    }
    return { pos, kw };
  }

  private call(n: N, env: Env, d: number): Val {
    const callee = child(n, 'callee');
    if (callee?.type === 'Identifier') {
      const name = String(callee.value);
      const { pos, kw } = this.args(n, env, d);
      if (DUNDER.test(name) && !this.locals.has(name)) {
        this.report(TEMPLATE_RULES['sandbox-escape'], n, `template calls ${name}`);
      } else if (CALL_IDENTS.has(name) && !this.locals.has(name) && !this.macros.has(name)) {
        this.report(TEMPLATE_RULES['code-execution'], n, `template calls the Python builtin ${name}()`);
      } else if (MODULES.has(name) && !this.locals.has(name)) {
        this.report(TEMPLATE_RULES['code-execution'], n, `template calls the module ${name}`);
      }
      const macro = this.macros.get(name);
      const callKey = `${name}\u0000${[...pos, ...kw.values()].map((v) => (v.unknown ? '?' : v.consts.map(pyStr).join('|'))).join('\u0000')}`;
      if (macro && this.macroDepth < 4 && !this.macroCalls.has(callKey) && this.macroCalls.size < 10_000) {
        this.macroCalls.add(callKey);
        // Re-analyse the macro body with the constants it is called with: `attr(x, '__cla' ~ 'ss__')` hides there.
        this.macroDepth++;
        try {
          const inner = fork(env);
          this.bindParams(macro, pos, kw, inner, d);
          this.body(children(macro, 'body'), inner, d);
        } finally {
          this.macroDepth--;
        }
        return UNKNOWN;
      }
      if (name === 'dict' && pos.length === 0) {
        // dict(__class__=1)|list|first spells a name without a string literal.
        const keys = [...kw.keys()];
        return lift([...kw.values()], (cs) => ({ dict: new Map(keys.map((k, i) => [k, cs[i]!])) }), true);
      }
      if (name === 'range') return lift(pos, (cs) => rangeList(cs), false);
      return UNKNOWN;
    }
    if (callee?.type === 'MemberExpression' && !callee.computed) {
      const obj = this.expr(child(callee, 'object'), env, d);
      const name = str(child(callee, 'property')) ?? '';
      const flagged = this.checkName(name, callee, { called: true, dot: true });
      this.rootChecks(child(callee, 'object'), flagged ? undefined : name, callee, true);
      const { pos, kw } = this.args(n, env, d);
      const kwKeys = [...kw.keys()];
      const r = lift([obj, ...pos, ...kw.values()], ([o, ...rest]) => {
        const kwargs = new Map(kwKeys.map((k, i) => [k, rest[pos.length + i]!]));
        const positional = rest.slice(0, pos.length);
        if (typeof o === 'string') return strMethod(o, name, positional, kwargs);
        if (isDict(o)) {
          if (name === 'keys') return { list: [...o.dict.keys()] };
          if (name === 'values') return { list: [...o.dict.values()] };
          if (name === 'get') return typeof positional[0] === 'string' ? (o.dict.get(positional[0]) ?? positional[1] ?? null) : undefined;
        }
        return undefined;
      }, obj.consts.some((c) => typeof c === 'string' || isDict(c)) && name !== 'startswith' && name !== 'endswith');
      this.checkBuilt(r, n);
      return r;
    }
    this.expr(callee, env, d, true);
    this.args(n, env, d);
    return UNKNOWN;
  }

  private binary(n: N, env: Env, d: number): Val {
    const op = opOf(n);
    const l = this.expr(child(n, 'left'), env, d);
    const r = this.expr(child(n, 'right'), env, d);
    let out: Val;
    switch (op) {
      case '~':
        out = lift([l, r], ([a, b]) => pyStr(a!) + pyStr(b!), true);
        break;
      case '+':
        out = lift([l, r], ([a, b]) => {
          if (typeof a === 'string' && typeof b === 'string') return a + b;
          if (typeof a === 'number' && typeof b === 'number') return a + b;
          if (isList(a!) && isList(b!)) return { list: [...a.list, ...b.list] };
          return undefined;
        }, l.consts.some((c) => typeof c === 'string') || r.consts.some((c) => typeof c === 'string'));
        break;
      case '*':
        out = lift([l, r], ([a, b]) => {
          if (typeof a === 'number' && typeof b === 'number') return a * b;
          if (typeof a === 'string') return strMethod(a, '__mul__', [b!], new Map());
          if (typeof b === 'string') return strMethod(b, '__mul__', [a!], new Map());
          return undefined;
        }, l.consts.some((c) => typeof c === 'string') || r.consts.some((c) => typeof c === 'string'));
        break;
      case '%':
        out = lift([l, r], ([a, b]) => {
          if (typeof a === 'string') return pyPercent(a, b!);
          if (typeof a === 'number' && typeof b === 'number' && b !== 0) return ((a % b) + b) % b;
          return undefined;
        }, l.consts.some((c) => typeof c === 'string'));
        break;
      case 'and':
      case 'or':
        // Jinja returns one of the operands.
        return union(l, r);
      default:
        return UNKNOWN;
    }
    this.checkBuilt(out, n);
    return out;
  }

  /** Applies the filter of a FilterExpression or FilterStatement to `operand`. */
  private applyFilter(n: N, operand: Val, env: Env, d: number, called = false): Val {
    const f = child(n, 'filter');
    let name = '';
    let pos: Val[] = [];
    let kw = new Map<string, Val>();
    if (f?.type === 'Identifier') name = String(f.value);
    else if (f?.type === 'CallExpression') {
      name = str(child(f, 'callee')) ?? '';
      ({ pos, kw } = this.args(f, env, d));
    }
    if (name === 'attr') {
      const flaggedBefore = this.findings.size;
      this.checkComputedName(pos[0] ?? UNKNOWN, n, { called, viaAttr: true });
      const root = this.rootIdentifier(child(n, 'operand'));
      if (this.findings.size === flaggedBefore && root !== undefined && GADGET_ROOTS.has(root)) {
        this.report(TEMPLATE_RULES['gadget-root'], n, `template reads an attribute of the Jinja global ${root} through |attr()`);
      }
      return UNKNOWN;
    }
    if (ATTRIBUTE_FILTERS.has(name)) {
      this.attributeFilterArgs(name, pos, kw, n);
    }
    let out: Val;
    if (name === 'default' || name === 'd') {
      out = operand.unknown ? union(operand, pos[0] ?? UNKNOWN) : operand;
    } else {
      const building = ['join', 'reverse', 'replace', 'format', 'lower', 'upper', 'capitalize', 'title', 'trim', 'list', 'first', 'last', 'string', 'e', 'escape', 'forceescape'].includes(name);
      out = lift([operand, ...pos], ([o, ...rest]) => constFilter(name, o!, rest), building && (operand.built || operand.consts.some((c) => typeof c === 'string' || isList(c) || isDict(c)) || operand.unknown));
      if (!building && name !== 'safe' && name !== 'int' && name !== 'length' && name !== 'count') out = out.consts.length ? out : operand.built ? UNKNOWN_BUILT : UNKNOWN;
    }
    this.checkBuilt(out, n);
    return out;
  }

  private attributeFilterArgs(name: string, pos: Val[], kw: Map<string, Val>, n: N): void {
    const names: Val[] = [];
    const attribute = kw.get('attribute');
    if (attribute) names.push(attribute);
    if (name === 'selectattr' || name === 'rejectattr' || name === 'groupby') {
      if (pos[0]) names.push(pos[0]);
    }
    if (name === 'map' && pos[0]?.consts.includes('attr') && pos[1]) names.push(pos[1]);
    for (const v of names) {
      // Jinja resolves dotted paths ("a.b") one segment at a time.
      const parts: Val = { consts: v.consts.flatMap((c) => (typeof c === 'string' ? c.split('.') : [])), unknown: v.unknown, built: v.built };
      this.checkComputedName(parts, n, { called: false });
    }
  }
}

function rangeList(cs: Const[]): Const | undefined {
  const nums = cs.filter((c): c is number => typeof c === 'number' && Number.isInteger(c));
  if (nums.length !== cs.length || nums.length === 0 || nums.length > 3) return undefined;
  const [a, b, s] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  if (s === 0) return undefined;
  const out: number[] = [];
  for (let i = a; s > 0 ? i < b : i > b; i += s) {
    if (out.length >= 256) return undefined;
    out.push(i);
  }
  return { list: out };
}

/** Names the template binds itself (set, for, macro and its parameters): those shadow Jinja globals and modules. */
export function collectLocals(root: N): Set<string> {
  const out = new Set<string>();
  const stack: unknown[] = [root];
  let visited = 0;
  const bindTarget = (t: unknown): void => {
    if (!isNode(t)) return;
    if (t.type === 'Identifier') out.add(String(t.value));
    else if (t.type === 'TupleLiteral' || t.type === 'ArrayLiteral') for (const x of Array.isArray(t.value) ? t.value : []) bindTarget(x);
  };
  while (stack.length > 0 && visited++ < MAX_STEPS) {
    const x = stack.pop();
    if (Array.isArray(x)) {
      for (const item of x) stack.push(item);
      continue;
    }
    if (x instanceof Map) {
      for (const [k, v] of x as Map<unknown, unknown>) stack.push(k, v);
      continue;
    }
    if (!isNode(x)) continue;
    if (x.type === 'Set') bindTarget(x.assignee);
    else if (x.type === 'For') bindTarget(x.loopvar);
    else if (x.type === 'Macro') {
      bindTarget(x.name);
      for (const p of Array.isArray(x.args) ? x.args : []) bindTarget(isNode(p) && p.type === 'KeywordArgumentExpression' ? p.key : p);
    } else if (x.type === 'CallStatement') {
      for (const p of Array.isArray(x.callerArgs) ? x.callerArgs : []) bindTarget(isNode(p) && p.type === 'KeywordArgumentExpression' ? p.key : p);
    }
    for (const v of Object.values(x)) if (typeof v === 'object' && v !== null) stack.push(v);
  }
  return out;
}

