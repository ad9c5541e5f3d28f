// Structural access to the syntax tree of @huggingface/jinja (its node classes are not part of its public types),
// and a printer that rebuilds Jinja source for a node, used as the fragment of a finding.

export interface N {
  type: string;
  [key: string]: unknown;
}

export function isNode(x: unknown): x is N {
  return typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string';
}
export function child(n: N, key: string): N | undefined {
  const v = n[key];
  return isNode(v) ? v : undefined;
}
export function children(n: N, key: string): N[] {
  const v = n[key];
  return Array.isArray(v) ? v.filter(isNode) : [];
}
export function str(n: N | undefined, key = 'value'): string | undefined {
  const v = n?.[key];
  return typeof v === 'string' ? v : undefined;
}
export function opOf(n: N): string {
  const op = n.operator as { value?: unknown } | undefined;
  return typeof op?.value === 'string' ? op.value : '';
}

/** Rebuilds Jinja source for a node, for findings; stops early past `max` characters. */
export function showNode(n: N | undefined, max = 200): string {
  let out = '';
  const emit = (s: string): void => {
    out += s;
  };
  const go = (x: N | undefined): void => {
    if (!x || out.length > max) return;
    switch (x.type) {
      case 'Identifier':
        return emit(String(x.value));
      case 'StringLiteral':
        return emit(JSON.stringify(x.value).replace(/^"|"$/g, "'"));
      case 'IntegerLiteral':
      case 'FloatLiteral':
        return emit(String(x.value));
      case 'ArrayLiteral':
      case 'TupleLiteral': {
        const items = Array.isArray(x.value) ? x.value.filter(isNode) : [];
        emit(x.type === 'ArrayLiteral' ? '[' : '(');
        items.forEach((it, i) => (i > 0 ? (emit(', '), go(it)) : go(it)));
        return emit(x.type === 'ArrayLiteral' ? ']' : ')');
      }
      case 'ObjectLiteral': {
        emit('{');
        let i = 0;
        if (x.value instanceof Map) {
          for (const [k, v] of x.value as Map<unknown, unknown>) {
            if (i++ > 0) emit(', ');
            go(isNode(k) ? k : undefined);
            emit(': ');
            go(isNode(v) ? v : undefined);
          }
        }
        return emit('}');
      }
      case 'MemberExpression': {
        const obj = child(x, 'object');
        const wrap = obj !== undefined && ['FilterExpression', 'BinaryExpression', 'Ternary', 'UnaryExpression', 'TestExpression'].includes(obj.type);
        if (wrap) emit('(');
        go(obj);
        if (wrap) emit(')');
        const p = child(x, 'property');
        if (x.computed) {
          emit('[');
          go(p);
          return emit(']');
        }
        emit('.');
        return go(p);
      }
      case 'SliceExpression':
        go(child(x, 'start'));
        emit(':');
        go(child(x, 'stop'));
        if (child(x, 'step')) {
          emit(':');
          go(child(x, 'step'));
        }
        return;
      case 'CallExpression': {
        go(child(x, 'callee'));
        emit('(');
        children(x, 'args').forEach((a, i) => (i > 0 ? (emit(', '), go(a)) : go(a)));
        return emit(')');
      }
      case 'FilterExpression':
        go(child(x, 'operand'));
        emit('|');
        return go(child(x, 'filter'));
      case 'BinaryExpression':
        go(child(x, 'left'));
        emit(` ${opOf(x)} `);
        return go(child(x, 'right'));
      case 'UnaryExpression':
        emit(`${opOf(x)} `);
        return go(child(x, 'argument'));
      case 'TestExpression':
        go(child(x, 'operand'));
        emit(x.negate ? ' is not ' : ' is ');
        return go(child(x, 'test'));
      case 'Ternary':
        go(child(x, 'trueExpr'));
        emit(' if ');
        go(child(x, 'condition'));
        emit(' else ');
        return go(child(x, 'falseExpr'));
      case 'KeywordArgumentExpression':
        go(child(x, 'key'));
        emit('=');
        return go(child(x, 'value'));
      case 'SpreadExpression':
        emit('*');
        return go(child(x, 'argument'));
      case 'KeywordSpreadExpression':
        emit('**');
        return go(child(x, 'argument'));
      case 'SelectExpression':
        go(child(x, 'lhs'));
        emit(' if ');
        return go(child(x, 'test'));
      default:
        return emit('…');
    }
  };
  go(n);
  return out.length > max ? `${out.slice(0, max - 3)}...` : out;
}

