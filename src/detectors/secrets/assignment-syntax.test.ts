// The hand-written lexer for `name <op> value`.
import { describe, expect, it } from 'vitest';
import { k8sEnvValue, readOperator, readValue } from './assignment-syntax.js';

function valueAfter(text: string, ident: string): string | null {
  const s = text.indexOf(ident);
  const op = readOperator(text, s, s + ident.length) ?? k8sEnvValue(text, s, s + ident.length);
  if (!op) return null;
  let p = op.p;
  while (text[p] === ' ') p++;
  const v = readValue(text, p, op.op === 'xml');
  return v ? text.slice(v.start, v.end) : null;
}

describe('assignment syntax', () => {
  it.each([
    ['password = "a b"', 'password', 'a b'],
    ["password: 'x1'", 'password', 'x1'],
    ['"password": "x2",', 'password', 'x2'],
    ['{\\"password\\": \\"x3\\"}', 'password', 'x3'],
    ['token := "x4"', 'token', 'x4'],
    ['PASSWORD=x5 # comment', 'PASSWORD', 'x5'],
    ["'password' => 'x6'", 'password', 'x6'],
    ['config["token"] = "x7"', 'token', 'x7'],
    ['<password>x8</password>', 'password', 'x8'],
    ['--password x9 --user me', '--password', 'x9'],
    ['my password is x10 ok', 'password', 'x10'],
    ['?user=a&password=x11&ssl=1', 'password', 'x11'],
    ['- name: DB_PASSWORD\n  value: "x12"', 'DB_PASSWORD', 'x12'],
    ["CREATE USER a WITH PASSWORD 'x13';", 'PASSWORD', 'x13'],
    ['machine h\n  login me\n  password x14', 'password', 'x14'],
    ['set `DB_PASSWORD` to `x15` now', 'DB_PASSWORD', 'x15'],
  ])('%s', (text, ident, value) => {
    expect(valueAfter(text, ident)).toBe(value);
  });

  it.each([
    ['the password must be long', 'password'],
    ['if password:: pass', 'password'],
    ['password\n= "next line"', 'password'],
    ['token: "unterminated', 'token'],
  ])('%s has no value', (text, ident) => {
    expect(valueAfter(text, ident)).toBeNull();
  });
});
