// JSON beside a model (tokenizer_config.json, chat_template.json, config.json …): chat templates go to the template
// analyser, Keras configs to the Keras analyser, and `auto_map` entries — which make transformers import Python
// files from the repository, or from another repository, under trust_remote_code — are reported.
import { basename } from 'node:path';
import type { ScanContext } from '../context.js';
import { ScanAbort } from '../context.js';
import { COMMON_RULES, defineRules, TAGS_SUPPLY_CHAIN } from '../rules.js';
import type { ByteSource } from '../source.js';
import type { FormatScanner } from '../types.js';
import { analyseChatTemplate } from './chat-template.js';
import { analyseKerasConfig } from './keras.js';
import { decodeUtf8, isPlainObject, own, parseJsonText, printable, reportStructural } from './structure.js';

export const JSON_RULES = defineRules(
  {
    'remote-code': {
      verdict: 'info',
      severity: 'info',
      title: 'Model config loads custom Python code',
      help: 'auto_map names Python modules shipped with the model: transformers imports and runs them when the model is loaded with trust_remote_code=True. Scan and review those .py files.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'remote-code-external': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'Model config loads Python code from another repository',
      help: 'auto_map points at code in a different repository ("owner/repo--module.Class"): with trust_remote_code=True, transformers downloads and runs code that is not part of this model and can change at any time.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'not-json': {
      verdict: 'info',
      severity: 'info',
      title: 'JSON file could not be parsed',
      help: 'A .json file that is not valid JSON and whose name is not a model config file; nothing in it was checked.',
      tags: {},
    },
  },
  'json',
);

/** Files that loaders parse as model configuration: invalid JSON in one of them is an error, not a curiosity. */
const CONFIG_NAMES = new Set([
  'config.json', 'tokenizer_config.json', 'chat_template.json', 'generation_config.json', 'preprocessor_config.json', 'processor_config.json',
  'special_tokens_map.json', 'tokenizer.json', 'adapter_config.json', 'model_index.json', 'sentence_bert_config.json', 'modules.json',
  'config_sentence_transformers.json', 'added_tokens.json', 'metadata.json',
]);

/** The name of the scanned file: the last member of the chain, or the path of a file source. */
function nameOf(src: ByteSource, ctx: ScanContext): string {
  const member = ctx.member?.split('!').at(-1);
  const path = member ?? (src as { path?: unknown }).path;
  return typeof path === 'string' ? basename(path.replaceAll('\\', '/')).toLowerCase() : '';
}

export const jsonScanner: FormatScanner = {
  format: 'json',
  async scan(src: ByteSource, ctx: ScanContext): Promise<void> {
    const name = nameOf(src, ctx);
    if (src.size > ctx.limits.maxMetadataBytes) {
      throw new ScanAbort('limit', `JSON file of ${src.size} bytes exceeds the ${ctx.limits.maxMetadataBytes}-byte metadata limit`, ctx.member);
    }
    const bytes = src.read(0, src.size);
    let text: string;
    try {
      text = decodeUtf8(bytes, 'file', 0);
    } catch (e) {
      return invalid(e, name, ctx);
    }
    if (/\.(jinja2?|j2)$/.test(name)) return reportTemplate(text, 'chat template file', 0, ctx);
    let doc: unknown;
    try {
      doc = parseJsonText(text, 'JSON', 0);
    } catch (e) {
      return invalid(e, name, ctx);
    }
    if (!isPlainObject(doc)) return;

    const template = own(doc, 'chat_template');
    const at = Math.max(0, bytes.indexOf('"chat_template"'));
    if (typeof template === 'string') await reportTemplate(template, 'chat_template', at, ctx);
    else if (Array.isArray(template)) {
      for (const entry of template) {
        const t = isPlainObject(entry) ? own(entry, 'template') : undefined;
        const n = isPlainObject(entry) ? own(entry, 'name') : undefined;
        if (typeof t === 'string') await reportTemplate(t, `chat_template ${typeof n === 'string' ? printable(n, 60) : '?'}`, at, ctx);
        else ctx.report(COMMON_RULES.malformed, { message: 'chat_template list entry without a template string', offset: at });
      }
    } else if (template !== undefined && template !== null) {
      ctx.report(COMMON_RULES.malformed, { message: 'chat_template is neither a string nor a list of {name, template}', offset: at });
    }

    checkAutoMap(own(doc, 'auto_map'), bytes.indexOf('"auto_map"'), ctx);

    // A Keras config saved on its own (config.json unpacked from a .keras archive).
    if (typeof own(doc, 'class_name') === 'string' && (isPlainObject(own(doc, 'config')) || typeof own(doc, 'module') === 'string')) {
      for (const f of analyseKerasConfig(doc)) ctx.report(f.rule, { message: f.message, fragment: f.fragment });
    }
  },
};

function invalid(e: unknown, name: string, ctx: ScanContext): void {
  if (CONFIG_NAMES.has(name)) reportStructural(ctx, e, name);
  else ctx.report(JSON_RULES['not-json'], { message: e instanceof Error ? e.message : 'not JSON' });
}

async function reportTemplate(text: string, label: string, offset: number, ctx: ScanContext): Promise<void> {
  for (const f of await analyseChatTemplate(text)) {
    ctx.report(f.rule, { message: label === 'chat_template' ? f.message : `${label}: ${f.message}`, fragment: f.fragment, offset });
  }
}

/** auto_map values: "module.Class", ["module.Class", null], or "owner/repo--module.Class" for code in another repository. */
function checkAutoMap(map: unknown, at: number, ctx: ScanContext): void {
  if (!isPlainObject(map)) return;
  const refs: string[] = [];
  for (const key of Object.keys(map)) {
    const v = own(map, key);
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string') refs.push(x);
  }
  if (refs.length === 0) return;
  const offset = Math.max(0, at);
  const external = refs.filter((r) => r.includes('--'));
  for (const r of external.slice(0, 10)) ctx.report(JSON_RULES['remote-code-external'], { message: `auto_map loads ${printable(r, 120)} from another repository`, offset });
  const local = [...new Set(refs.filter((r) => !r.includes('--')).map((r) => r.split('.')[0] ?? r))];
  if (local.length > 0) ctx.report(JSON_RULES['remote-code'], { message: `auto_map loads custom code from ${local.slice(0, 8).map((m) => `${printable(m, 60)}.py`).join(', ')}`, offset });
}
