// Reading variable names into words and secret kinds.
import { describe, expect, it } from 'vitest';
import { classifyName, splitWords } from './names.js';

describe('splitWords', () => {
  it.each([
    ['AWS_SECRET_ACCESS_KEY', ['aws', 'secret', 'access', 'key']],
    ['secretAccessKey', ['secret', 'access', 'key']],
    ['x-api-key', ['x', 'api', 'key']],
    ['APIKey', ['api', 'key']],
    ['stripe.api_key', ['stripe', 'api', 'key']],
    ['--password', ['password']],
    ['PGPASSWORD', ['pgpassword']],
    ['', []],
  ])('%s', (ident, words) => {
    expect(splitWords(ident)).toEqual(words);
  });
});

describe('classifyName', () => {
  const kind = (ident: string): string | null =>
    classifyName(splitWords(ident), /^[A-Z][A-Z0-9_]*_[A-Z0-9_]*$/.test(ident));
  it.each([
    ['DB_PASSWORD', 'password'],
    ['PGPASSWORD', 'password'],
    ['passwd', 'password'],
    ['client_secret', 'secret'],
    ['access_token', 'token'],
    ['_authToken', 'token'],
    ['x-api-key', 'api_key'],
    ['ALGOLIA_ADMIN_KEY', 'api_key'],
    ['signingKey', 'api_key'],
    ['Authorization', 'auth'],
  ])('%s → %s', (ident, k) => {
    expect(kind(ident)).toBe(k);
  });

  it.each(['token_url', 'password_hash', 'max_tokens', 'secret_name', 'public_key', 'tokenizer', 'PRIMARY_KEY', 'author', 'keyboard', 'bypass', 'CACHE_KEY'])(
    '%s is not a secret name',
    (ident) => {
      expect(kind(ident)).toBeNull();
    },
  );
});
