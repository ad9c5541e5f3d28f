// Tests of the generated JSON Schema with a real validator (Ajv, draft-07): what editors will enforce.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DETECTORS } from '../detectors/index.js';
import { DEFAULT_POLICY } from './default-policy.js';
import { configJsonSchema } from './json-schema.js';

const schema = configJsonSchema();
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);

const defaultInput = {
  version: 1,
  upstreams: [{ name: 'default', url: 'http://127.0.0.1:8000/v1', models: ['*'] }],
  auth: { apiKeys: { enabled: true }, anonymous: { enabled: false } },
  policies: { default: DEFAULT_POLICY },
  routes: [],
  defaultPolicy: 'default',
};

describe('configJsonSchema', () => {
  it('is draft-07 with an id and title', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toMatch(/^https:\/\//);
    expect(schema.title).toBe('Bulwark configuration');
  });

  it('accepts the default configuration and a minimal one', () => {
    expect(validate(defaultInput), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ version: 1, upstreams: [{ name: 'a', url: 'http://h/v1' }] })).toBe(true);
  });

  it('accepts a full YAML example as an editor would see it', () => {
    const doc: unknown = parse(`version: 1
server: { port: 8787, host: 127.0.0.1 }
upstreams: [ { name: local, url: "http://127.0.0.1:8000/v1", apiKey: { file: /run/secrets/k } } ]
auth:
  jwt: { issuer: https://idp.example, audience: [bulwark], jwksUrl: https://idp.example/jwks, algorithms: [ES256] }
limits: { requestsPerMinute: 10 }
policies:
  default:
    input: [ { detector: prompt-injection, action: block, threshold: 0.4, budgetMs: 5, failMode: closed, options: {} } ]
routes: [ { path: /v1/*, principal: "team-*", policy: default } ]
`);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects unknown keys at the top level and nested', () => {
    expect(validate({ ...defaultInput, extra: 1 })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', params: { additionalProperty: 'extra' } });
    const nested = { ...defaultInput, policies: { default: { input: [{ detector: 'pii', action: 'redact', treshold: 0.4 }] } } };
    expect(validate(nested)).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/policies/default/input/0', params: { additionalProperty: 'treshold' } });
  });

  it('rejects wrong types, bad enums, unknown detector ids and a missing version', () => {
    expect(validate({ ...defaultInput, server: { port: '8787' } })).toBe(false);
    expect(validate({ ...defaultInput, policies: { default: { input: [{ detector: 'pii', action: 'erase' }] } } })).toBe(false);
    expect(validate({ ...defaultInput, policies: { default: { input: [{ detector: 'no-such-detector', action: 'block' }] } } })).toBe(false);
    expect(validate({ ...defaultInput, auth: { jwt: { issuer: 'i', audience: 'a', algorithms: ['HS256'] } } })).toBe(false);
    const { version: _v, ...noVersion } = defaultInput;
    expect(validate(noVersion)).toBe(false);
  });

  it('lists the registered detector ids for completion', () => {
    expect(JSON.stringify(schema)).toContain(JSON.stringify(DETECTORS.map((d) => d.id)));
  });
});
