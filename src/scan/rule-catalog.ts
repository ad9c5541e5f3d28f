// Every scan rule in one list (COMMON_RULES and each module's `*_RULES` export), with unique ids: the source of
// SARIF rule metadata, docs and the registry test. Modules are loaded on demand, so that `bulwark scan` on a pickle
// does not load the ONNX or 7-Zip parsers just to print a table.
import { COMMON_RULES, type ScanRule } from './rules.js';

/** Modules that define rules: one loader per module (literal imports, so that bundlers can see them). */
const RULE_MODULES: readonly { name: string; load: () => Promise<object> }[] = [
  { name: 'formats/pickle', load: () => import('./formats/pickle.js') },
  { name: 'formats/zip', load: () => import('./formats/zip.js') },
  { name: 'formats/compressed', load: () => import('./formats/compressed.js') },
  { name: 'formats/sevenzip', load: () => import('./formats/sevenzip.js') },
  { name: 'formats/tar', load: () => import('./formats/tar.js') },
  { name: 'formats/numpy', load: () => import('./formats/numpy.js') },
  { name: 'formats/gguf', load: () => import('./formats/gguf.js') },
  { name: 'formats/chat-template', load: () => import('./formats/chat-template.js') },
  { name: 'formats/safetensors', load: () => import('./formats/safetensors.js') },
  { name: 'formats/onnx', load: () => import('./formats/onnx.js') },
  { name: 'formats/keras', load: () => import('./formats/keras.js') },
  { name: 'formats/hdf5', load: () => import('./formats/hdf5.js') },
  { name: 'formats/json', load: () => import('./formats/json.js') },
  { name: 'lock', load: () => import('./lock.js') },
  { name: 'vulns/index', load: () => import('./vulns/index.js') },
];

export interface RuleCatalog {
  /** Every rule, sorted by id. */
  readonly rules: readonly ScanRule[];
  byId(id: string): ScanRule | undefined;
  /** Rule modules that could not be found (while the scanner is being built); empty in a complete build. */
  readonly missing: readonly string[];
}

const RULE_KEYS = ['id', 'verdict', 'severity', 'title', 'help', 'tags'] as const;

function isRule(v: unknown): v is ScanRule {
  return typeof v === 'object' && v !== null && RULE_KEYS.every((k) => k in v) && typeof (v as ScanRule).id === 'string';
}

/** The rule groups a module exports: every `*_RULES` export whose values are all rules. */
export function ruleGroupsOf(module: object): Record<string, ScanRule>[] {
  return Object.entries(module)
    .filter(([name, value]) => name.endsWith('_RULES') && typeof value === 'object' && value !== null)
    .map(([, value]) => value as Record<string, unknown>)
    .filter((group) => Object.values(group).length > 0 && Object.values(group).every(isRule)) as Record<string, ScanRule>[];
}

/** A catalog of the given groups; two rules with one id are a bug (TypeError naming the id). */
export function buildRuleCatalog(groups: Iterable<Readonly<Record<string, ScanRule>>>, missing: readonly string[] = []): RuleCatalog {
  const byId = new Map<string, ScanRule>();
  for (const group of groups) {
    for (const rule of Object.values(group)) {
      const seen = byId.get(rule.id);
      if (seen === rule) continue;
      if (seen) throw new TypeError(`scan rule id ${rule.id} is defined twice`);
      byId.set(rule.id, rule);
    }
  }
  const rules = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { rules, byId: (id) => byId.get(id), missing: [...missing] };
}

function isModuleNotFound(e: unknown, name: string): boolean {
  const err = e as { code?: unknown; message?: unknown } | undefined;
  const message = typeof err?.message === 'string' ? err.message : '';
  const file = name.slice(name.lastIndexOf('/') + 1);
  const notFound = err?.code === 'ERR_MODULE_NOT_FOUND' || /cannot find module|failed to load url|does the file exist/i.test(message);
  return notFound && message.includes(file);
}

let loaded: Promise<RuleCatalog> | undefined;
let current: RuleCatalog = buildRuleCatalog([COMMON_RULES]);

/** Loads every rule module once; a module that does not exist yet is listed in `missing`, any other failure rejects. */
export function loadRuleCatalog(): Promise<RuleCatalog> {
  loaded ??= (async () => {
    const missing: string[] = [];
    const groups: Record<string, ScanRule>[] = [COMMON_RULES];
    const modules = await Promise.all(
      RULE_MODULES.map(async (m) => {
        try {
          return await m.load();
        } catch (e) {
          if (isModuleNotFound(e, m.name)) {
            missing.push(m.name);
            return {};
          }
          throw e;
        }
      }),
    );
    for (const mod of modules) groups.push(...ruleGroupsOf(mod));
    current = buildRuleCatalog(groups, missing.sort());
    return current;
  })();
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}

/** The rule with this id: from every module once loadRuleCatalog() has resolved, from COMMON_RULES before. */
export function ruleById(id: string): ScanRule | undefined {
  return current.byId(id);
}
