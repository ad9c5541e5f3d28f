// Tests of the `alerts:` section: the documented example loads and compiles, every mistake is reported at its
// line, unknown detectors are caught, and the editor JSON Schema describes it.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isBulwarkError } from '../../core/errors.js';
import { DETECTORS } from '../../detectors/index.js';
import { compileConfig } from '../../policy/compile.js';
import { formatIssue, issuesOf } from '../../policy/issues.js';
import { configJsonSchema } from '../../policy/json-schema.js';
import { parseConfig } from '../../policy/load.js';
import { readYamlSource } from '../../policy/yaml-source.js';
import { checkAlertDetectors } from './alert-check.js';

const BASE = 'version: 1\nupstreams: [{ name: up, url: "http://127.0.0.1:8000/v1" }]\n';
const EXAMPLE = `${BASE}alerts:
  - name: injection-burst
    match: { kind: detection, detector: prompt-injection, decision: [block, flag], stage: input }
    group_by: principal
    threshold: 5
    window: 10m
    actions:
      - suspend_key: { for: 1h }
      - notify: { sink: "webhook+https://hooks.example/x?secret_env=HOOK" }
  - name: pii-leak-burst
    match: { detector: pii, stage: output }
    threshold: 20
    window: 5m
    actions: [ { raise_severity: high }, { alert: {} } ]
  - name: off
    enabled: false
    match: {}
    threshold: 1
    window: 1m
    actions: [ { revoke_key: {} }, { block_principal: { for: 1d } }, { block_source: { for: 2h } }, { raise_severity: { to: critical } }, { alert: { severity: low, message: hi } }, { notify: { sink: ops } } ]
`;

function problems(text: string): string[] {
  try {
    parseConfig(text, 'bulwark.yaml');
  } catch (e) {
    expect(isBulwarkError(e) && e.code).toBe('ERR_CONFIG_INVALID');
    return issuesOf(e).map(formatIssue);
  }
  throw new Error('expected the configuration to be refused');
}

describe('alerts: valid', () => {
  it('loads the documented example with defaults, and compiles it into a RuleSet', () => {
    const config = parseConfig(EXAMPLE, 'bulwark.yaml');
    expect(config.alerts[1]).toEqual({
      name: 'pii-leak-burst',
      enabled: true,
      match: { detector: 'pii', stage: 'output' },
      group_by: 'principal',
      count: 'events',
      threshold: 20,
      window: '5m',
      severity: 'medium',
      actions: [{ raise_severity: 'high' }, { alert: {} }],
    });
    const { alerts } = compileConfig(config);
    expect(alerts.rules.map((r) => r.name)).toEqual(['injection-burst', 'pii-leak-burst']);
    const [burst, pii] = alerts.rules;
    expect(burst).toMatchObject({ groupBy: 'principal', threshold: 5, windowMs: 600_000, cooldownMs: 600_000, severity: 'medium' });
    expect(burst?.actions).toEqual([
      { type: 'suspend_key', forMs: 3_600_000 },
      { type: 'notify', sink: 'webhook+https://hooks.example/x?secret_env=HOOK' },
    ]);
    expect(pii).toMatchObject({ severity: 'high', raiseTo: 'high', actions: [{ type: 'raise_severity', to: 'high' }, { type: 'alert' }] });
  });

  it('defaults to no alerts', () => {
    expect(parseConfig(BASE, 'bulwark.yaml').alerts).toEqual([]);
    expect(compileConfig(parseConfig(BASE, 'bulwark.yaml')).alerts.rules).toEqual([]);
  });
});

describe('alerts: mistakes are reported at their line', () => {
  it('names unknown keys, bad enums, durations, thresholds and actions', () => {
    expect(
      problems(`${BASE}alerts:
  - name: x
    match: { kind: detections, stage: [input, outptu] }
    group_by: ip
    threshold: -1
    window: 10
    actions:
      - suspend_key: { for: 1h }
        notify: { sink: "webhook+https://u:p@h/x" }
      - raise_severity: urgent
      - suspend: {}
      - notify: { sink: "webhook+https://h/x?token=abc" }
    treshold: 4
  - name: y
    match: {}
    threshold: 1
    window: 8d
    actions: []
`),
    ).toEqual([
      'bulwark.yaml:5:20: alerts.0.match.kind: expected an event kind (detection, auth, limit, scan, eval, risk, system, response) or a list of them',
      'bulwark.yaml:5:39: alerts.0.match.stage: expected a stage (input, output, tool_call, tool_result) or a list of them',
      'bulwark.yaml:6:15: alerts.0.group_by: must be one of "principal", "source_ip", "key"',
      'bulwark.yaml:7:16: alerts.0.threshold: must be at least 0',
      'bulwark.yaml:8:13: alerts.0.window: expected a duration such as 30s, 10m, 1h or 1h30m',
      'bulwark.yaml:10:9: alerts.0.actions.0: each action has exactly one of: suspend_key, revoke_key, block_principal, block_source, notify, raise_severity, alert (got suspend_key, notify)',
      'bulwark.yaml:11:25: alerts.0.actions.0.notify.sink: must not contain credentials; use secret_env=NAME in the query',
      'bulwark.yaml:12:25: alerts.0.actions.1.raise_severity: expected a severity (info, low, medium, high, critical) or { to: SEVERITY }',
      'bulwark.yaml:13:9: alerts.0.actions.2.suspend: unknown key "suspend" (did you mean "suspend_key"?)',
      'bulwark.yaml:13:9: alerts.0.actions.2: each action has exactly one of: suspend_key, revoke_key, block_principal, block_source, notify, raise_severity, alert',
      'bulwark.yaml:14:25: alerts.0.actions.3.notify.sink: must not carry a secret in "token="; use secret_env=NAME',
      'bulwark.yaml:15:5: alerts.0.treshold: unknown key "treshold" (did you mean "threshold"?)',
      'bulwark.yaml:19:13: alerts.1.window: window must be a duration such as 30s, 10m, 1h or 1h30m, from 1s to 7d',
      'bulwark.yaml:20:14: alerts.1.actions: give at least one action',
    ]);
  });

  it('reports a duplicate rule name and a missing threshold / window / match', () => {
    expect(
      problems(`${BASE}alerts:
  - { name: a, match: {}, threshold: 1, window: 1m, actions: [ { alert: {} } ] }
  - { name: a, match: {}, threshold: 1, window: 1m, actions: [ { alert: {} } ] }
`),
    ).toEqual(['bulwark.yaml:5:13: alerts.1.name: duplicate alert rule name "a"']);
    const missing = problems(`${BASE}alerts:\n  - name: b\n    actions: [ { alert: {} } ]\n`);
    expect(missing).toEqual([
      'bulwark.yaml:4:5: alerts.0.match: is required',
      'bulwark.yaml:4:5: alerts.0.threshold: is required',
      'bulwark.yaml:4:5: alerts.0.window: is required',
    ]);
  });

  it('catches unknown detectors: with their line through checkAlertDetectors, and at compile time', () => {
    const text = `${BASE}alerts:
  - name: a
    match: { detector: [pii, prompt-injectoin] }
    threshold: 1
    window: 1m
    actions: [ { alert: {} } ]
`;
    const src = readYamlSource(text, 'bulwark.yaml');
    const issues = checkAlertDetectors((src.value as { alerts: unknown }).alerts, DETECTORS.map((d) => d.id), 'bulwark.yaml', src.locate);
    expect(issues.map(formatIssue)).toEqual(['bulwark.yaml:5:30: alerts.0.match.detector.1: unknown detector "prompt-injectoin" (did you mean "prompt-injection"?)']);
    expect(() => compileConfig(parseConfig(text, 'bulwark.yaml'))).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
  });
});

describe('alerts: JSON Schema for editors', () => {
  const validate = new Ajv({ strict: true, allErrors: true }).compile(configJsonSchema());

  it('accepts the example and refuses unknown keys and bad actions', () => {
    expect(validate(parse(EXAMPLE)), JSON.stringify(validate.errors)).toBe(true);
    const doc = parse(EXAMPLE) as { alerts: Record<string, unknown>[] };
    expect(validate({ ...doc, alerts: [{ ...doc.alerts[0], treshold: 1 }] })).toBe(false);
    expect(validate({ ...doc, alerts: [{ ...doc.alerts[0], group_by: 'ip' }] })).toBe(false);
    expect(validate({ ...doc, alerts: [{ ...doc.alerts[0], actions: [{ suspend: {} }] }] })).toBe(false);
  });
});
