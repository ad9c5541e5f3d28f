// Rules and name lists of the chat-template analyser: what a finding means, and which Python names make an
// attribute access a sandbox escape.
import { defineRules, TAGS_MALWARE, TAGS_SUPPLY_CHAIN, type ScanRule } from '../rules.js';

export const TEMPLATE_RULES = defineRules(
  {
    'sandbox-escape': {
      verdict: 'malicious',
      severity: 'critical',
      title: 'Chat template reaches Python internals',
      help: 'The template reads a dunder attribute (__class__, __mro__, __subclasses__, __globals__, __builtins__, __init__ …), the first step of every Jinja sandbox escape (CVE-2024-34359: llama-cpp-python rendered GGUF chat templates without a sandbox). No chat template needs them; do not load the model with a loader that renders it.',
      tags: TAGS_MALWARE,
    },
    'code-execution': {
      verdict: 'malicious',
      severity: 'critical',
      title: 'Chat template calls into the operating system',
      help: 'The template names os, subprocess, builtins, popen, system, eval, exec, __import__ or a similar function: rendering it runs commands on the machine that applies the template.',
      tags: TAGS_MALWARE,
    },
    'obfuscated-name': {
      verdict: 'malicious',
      severity: 'high',
      title: 'Chat template spells a dangerous name in pieces',
      help: 'The template builds a dunder or module name from pieces (concatenation, escapes, |join, |reverse, |replace, |format, % formatting, slicing, dict keys), a way to hide a sandbox escape from keyword filters.',
      tags: TAGS_MALWARE,
    },
    'dynamic-attribute': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'Chat template computes an attribute name',
      help: 'An attribute is read through |attr() or [ ] with a name the template assembles at render time. Chat templates index messages with fixed keys; a computed name is how an escape hides the name it reaches for. Review the template.',
      tags: TAGS_MALWARE,
    },
    'gadget-root': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'Chat template walks a Jinja global object',
      help: 'The template reads attributes of a Jinja global (cycler, joiner, lipsum, namespace, self, config, request …) instead of calling it: those objects are the usual roots of sandbox-escape chains.',
      tags: TAGS_MALWARE,
    },
    'private-attribute': {
      verdict: 'suspicious',
      severity: 'low',
      title: 'Chat template reads a private attribute',
      help: 'The template reads an attribute whose name starts with an underscore (e.g. self._TemplateReference__context), which exposes renderer internals. Chat templates have no reason to.',
      tags: TAGS_MALWARE,
    },
    'template-include': {
      verdict: 'suspicious',
      severity: 'low',
      title: 'Chat template loads other templates',
      help: 'The template uses import, from, include or extends: a chat template is self-contained, and loading other templates reaches files outside the model.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    unparsed: {
      verdict: 'info',
      severity: 'info',
      title: 'Chat template checked by pattern only',
      help: 'The template uses Jinja syntax the analyser does not parse (or is too large or deep to analyse), so it was checked with token patterns only. Python Jinja may still accept it.',
      tags: TAGS_SUPPLY_CHAIN,
    },
  },
  'template',
);

export interface TemplateFinding {
  rule: ScanRule;
  /** The offending expression as Jinja source (rebuilt from the syntax tree, or the raw tag in pattern mode). */
  fragment: string;
  message: string;
}

/** Templates above this are pattern-scanned only: real chat templates are a few KiB to a few tens of KiB. */
export const DUNDER = /^__\w+__$/;
/** Dunders that only sandbox escapes spell: checked inside strings built at render time. */
export const ESCAPE_DUNDER =
  /__(?:class|mro|subclasses|globals|builtins|init|import|getattribute|getattr|base|bases|dict|code|func|self|module|loader|spec|reduce|reduce_ex|closure|defaults|kwdefaults|getitem|call|traceback|frame|subclasshook|init_subclass|new|qualname|name)__/;
/** Module names: reading one as an attribute or using it as a root is reaching for the OS. */
export const MODULES = new Set(['os', 'sys', 'subprocess', 'builtins', 'importlib', 'posix', 'nt', 'pty', 'shutil', 'socket', 'ctypes', 'pickle', 'marshal', 'runpy', 'commands', 'popen2']);
/** Attribute names that only process and import machinery has. */
export const EXEC_ATTRS = new Set(['popen', 'popen2', 'popen3', 'check_output', 'check_call', 'getoutput', 'getstatusoutput', 'import_module', 'load_module', 'exec_module', 'execv', 'execve', 'execvp', 'execvpe', 'execl', 'execle', 'execlp', 'spawnv', 'spawnve', 'spawnl', 'spawnle', 'spawnlp', 'posix_spawn', 'fork', 'forkpty', 'func_globals', 'func_code',
  // Frame and code objects: reachable without any dunder from a generator (messages|map(…) is one) — gi_frame.f_globals.
  'f_globals', 'f_builtins', 'f_locals', 'f_back', 'f_code', 'gi_frame', 'gi_code', 'cr_frame', 'cr_code', 'ag_frame', 'ag_code', 'tb_frame', 'tb_next', 'co_code', 'co_consts']);
/** Attribute names that are dangerous when called (plain words, so only a call counts). */
export const CALL_ATTRS = new Set(['system', 'eval', 'exec', 'open', 'compile', 'getattr', 'setattr', 'delattr', 'globals', 'locals', 'vars', 'unlink', 'rmtree', 'remove', 'rmdir', 'kill', 'putenv']);
/** Global functions of Python that Jinja does not define: calling one means a context that leaks builtins. */
export const CALL_IDENTS = new Set(['eval', 'exec', 'open', 'compile', 'getattr', 'setattr', 'delattr', 'globals', 'locals', 'vars', 'breakpoint', 'input', 'execfile', 'reload']);
/** Exact values of built strings that name process or import machinery (plain words like "system" are left out). */
export const BUILT_EXACT = new Set([...MODULES, ...EXEC_ATTRS, 'eval', 'exec', 'getattr', 'setattr', 'globals']);
/** Jinja globals and Flask context objects that sandbox-escape payloads start from. */
export const GADGET_ROOTS = new Set(['cycler', 'joiner', 'namespace', 'lipsum', 'self', 'config', 'request', 'url_for', 'get_flashed_messages', 'g', 'session', 'range', 'dict', 'raise_exception', 'strftime_now', 'loop']);
/** Filters whose arguments are attribute names. */
export const ATTRIBUTE_FILTERS = new Set(['map', 'selectattr', 'rejectattr', 'sort', 'groupby', 'sum', 'unique', 'min', 'max', 'dictsort']);
/** Loop attributes Jinja defines; `loop.x` is a gadget only when x is something else. */
export const LOOP_ATTRS = new Set(['index', 'index0', 'revindex', 'revindex0', 'first', 'last', 'length', 'cycle', 'depth', 'depth0', 'previtem', 'nextitem', 'changed']);

/** Findings kept per template. */
export const MAX_FINDINGS = 50;
