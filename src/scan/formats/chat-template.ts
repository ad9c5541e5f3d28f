// Chat-template analysis: parses a Jinja chat template (GGUF `tokenizer.chat_template`, tokenizer_config.json) into a
// syntax tree with @huggingface/jinja and looks for sandbox escapes (CVE-2024-34359, llama-cpp-python rendered GGUF
// templates with an unsandboxed jinja2 Environment): dunder attribute chains, os/popen/eval, Jinja global objects used
// as gadget roots, and attribute names spelt in pieces. Templates the parser rejects are rewritten where possible and
// always get a token-level pattern scan too.
import { Analyser, Bail, collectLocals } from './template-analyser.js';
import { isNode, type N } from './template-ast.js';
import { patternScan, repairTemplate } from './template-patterns.js';
import { TEMPLATE_RULES, type TemplateFinding } from './template-rules.js';

export { TEMPLATE_RULES, type TemplateFinding } from './template-rules.js';
export { decodeEscapes, patternScan, repairTemplate } from './template-patterns.js';

/** Templates above this are pattern-scanned only: real chat templates are a few KiB to a few tens of KiB. */
const MAX_PARSE_CHARS = 1 << 20;

type JinjaModule = { tokenize(source: string): unknown[]; parse(tokens: unknown[]): unknown };
let jinja: Promise<JinjaModule> | undefined;

async function loadJinja(): Promise<JinjaModule> {
  jinja ??= import('@huggingface/jinja') as unknown as Promise<JinjaModule>;
  return jinja;
}

type Parsed = { program: N } | { error: string };

async function parseTemplate(text: string): Promise<Parsed> {
  try {
    const { tokenize, parse } = await loadJinja();
    const program = parse(tokenize(text));
    return isNode(program) ? { program } : { error: 'parser returned no program' };
  } catch (e) {
    return { error: e instanceof Error ? e.message.slice(0, 120) : 'parser error' };
  }
}

/** Runs the tree analysis; false when the template is too large or deep to analyse (partial findings kept). */
function analyseTree(program: N, partial: TemplateFinding[]): boolean {
  let analyser: Analyser | undefined;
  try {
    analyser = new Analyser(collectLocals(program));
    analyser.stmt(program, { vars: new Map() }, 0);
    partial.push(...analyser.findings.values());
    return true;
  } catch (e) {
    if (!(e instanceof Bail) && !(e instanceof RangeError)) throw e;
    if (analyser) partial.push(...analyser.findings.values());
    return false;
  }
}

/**
 * Looks for sandbox escapes in a Jinja chat template. Async because the Jinja parser is loaded on first use.
 * Never throws on hostile input: a template the parser rejects is repaired and parsed again where possible, always
 * pattern-scanned too, and reported as `unparsed` (info).
 */
export async function analyseChatTemplate(text: string): Promise<TemplateFinding[]> {
  if (text.length > MAX_PARSE_CHARS) {
    return fallback(text, `template of ${text.length} characters is larger than ${MAX_PARSE_CHARS} and was not parsed`, []);
  }
  const first = await parseTemplate(text);
  if ('program' in first) {
    const found: TemplateFinding[] = [];
    if (analyseTree(first.program, found)) return found;
    return fallback(text, 'template is too large or too deeply nested to analyse', found);
  }
  const repaired = repairTemplate(text);
  const second = repaired === text ? first : await parseTemplate(repaired);
  const found: TemplateFinding[] = [];
  if ('program' in second && analyseTree(second.program, found)) {
    return fallback(text, `template does not parse (${first.error}); analysed after rewriting unsupported syntax`, found);
  }
  return fallback(text, `template does not parse (${first.error})`, found);
}

/** The `unparsed` note, the tree findings so far, and pattern findings of rules the tree did not already raise. */
function fallback(text: string, reason: string, tree: TemplateFinding[]): TemplateFinding[] {
  const raised = new Set(tree.map((f) => f.rule.id));
  const patterns = patternScan(text).filter((f) => !raised.has(f.rule.id));
  return [{ rule: TEMPLATE_RULES.unparsed, fragment: text.slice(0, 200), message: `${reason}; also checked by pattern` }, ...tree, ...patterns];
}
