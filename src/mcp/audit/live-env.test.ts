import { describe, expect, it } from 'vitest';
import type { ConfiguredServer } from '../types.js';
import { expandReferences, resolvedHeaders, stdioLaunch } from './live-env.js';

const server = (over: Partial<ConfiguredServer> = {}): ConfiguredServer => ({
  name: 's',
  source: { client: 'vscode', path: '/proj/.vscode/mcp.json', scope: 'workspace' },
  pointer: '/servers/s',
  transport: 'stdio',
  command: 'node',
  enabled: true,
  ...over,
});

const auditorEnv = { PATH: '/usr/bin', HOME: '/home/u', OPENAI_API_KEY: 'sk-parent', GITHUB_TOKEN: 'ghp_parent', EMPTY: '' };

describe('expandReferences', () => {
  it('expands the references clients expand, and nothing else', () => {
    const s = server();
    expect(expandReferences('${env:GITHUB_TOKEN}', s, auditorEnv)).toBe('ghp_parent');
    expect(expandReferences('Bearer ${GITHUB_TOKEN}', s, auditorEnv)).toBe('Bearer ghp_parent');
    expect(expandReferences('${MISSING:-fallback}', s, auditorEnv)).toBe('fallback');
    expect(expandReferences('$GITHUB_TOKEN', s, auditorEnv)).toBe('ghp_parent');
    expect(expandReferences('${workspaceFolder}/data', s, auditorEnv)).toBe('/proj/data');
    expect(expandReferences('${userHome}/x', s, auditorEnv)).toBe('/home/u/x');
    expect(expandReferences('pa$$word$X', s, auditorEnv)).toBe('pa$$word$X');
  });

  it('refuses what it cannot resolve', () => {
    const s = server();
    expect(expandReferences('${input:token}', s, auditorEnv)).toBeUndefined();
    expect(expandReferences('${MISSING}', s, auditorEnv)).toBeUndefined();
    expect(expandReferences('${EMPTY}', s, auditorEnv)).toBeUndefined();
    expect(expandReferences('${{ secrets.KEY }}', s, auditorEnv)).toBeUndefined();
  });
});

describe('stdioLaunch', () => {
  it('passes PATH, HOME and the configured variables only', () => {
    const launch = stdioLaunch(server({ args: ['--root', '${workspaceFolder}'], env: { TOKEN: '${env:GITHUB_TOKEN}', MODE: 'ro', ASK: '${input:key}' } }), auditorEnv);
    expect(launch.env).toEqual({ PATH: '/usr/bin', HOME: '/home/u', TOKEN: 'ghp_parent', MODE: 'ro' });
    expect(launch.dropped).toEqual(['ASK']);
    expect(launch.args).toEqual(['--root', '/proj']);
  });

  it('lets the configuration override PATH but never adds the auditor secrets', () => {
    const launch = stdioLaunch(server({ env: { PATH: '/opt/bin' } }), auditorEnv);
    expect(launch.env).toEqual({ PATH: '/opt/bin', HOME: '/home/u' });
    expect(JSON.stringify(launch)).not.toContain('sk-parent');
  });
});

describe('resolvedHeaders', () => {
  it('expands references and leaves out headers it cannot resolve', () => {
    const s = server({ transport: 'http', headers: { Authorization: 'Bearer ${env:GITHUB_TOKEN}', 'X-Key': '${input:k}', 'X-Plain': 'v' } });
    expect(resolvedHeaders(s, auditorEnv)).toEqual({ Authorization: 'Bearer ghp_parent', 'X-Plain': 'v' });
  });
});
