// Keras model configs (config.json of a .keras archive; model_config / training_config of a Keras 2 .h5): walks the
// nested layer configs for the ways a config runs code at load — Lambda layers carrying marshalled bytecode
// (CVE-2024-3660), objects deserialised from arbitrary modules (CVE-2025-1550: `"module": "os"`), and Keras' own
// functions used as gadgets (CVE-2025-8747 `keras.utils.get_file`, CVE-2025-9906 `enable_unsafe_deserialization`).
import type { ScanContext } from '../context.js';
import { ScanAbort } from '../context.js';
import { defineRules, TAGS_MALWARE, TAGS_SUPPLY_CHAIN, type ScanRule } from '../rules.js';
import type { ByteSource } from '../source.js';
import type { FormatScanner } from '../types.js';
import { formatError, isPlainObject, own, parseJsonBytes, printable, reportStructural } from './structure.js';

export const KERAS_RULES = defineRules(
  {
    'lambda-bytecode': {
      verdict: 'malicious',
      severity: 'high',
      title: 'Keras Lambda layer carries Python bytecode',
      help: 'The config embeds a marshalled Python function (a Lambda layer or a serialised lambda), which Keras runs when the model is loaded with safe_mode off or by Keras < 3 (CVE-2024-3660). Bytecode cannot be vetted statically and is arbitrary code; rebuild the layer in code instead of loading it.',
      tags: TAGS_MALWARE,
    },
    'lambda-layer': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'Keras Lambda layer with an unrecognised function',
      help: 'A Lambda layer whose function is neither marshalled bytecode nor a reference to a module: Keras will still try to build a callable from it at load time. Review the config.',
      tags: TAGS_MALWARE,
    },
    'dangerous-module': {
      verdict: 'malicious',
      severity: 'critical',
      title: 'Keras config deserialises an object from a dangerous module',
      help: 'An object in the config names a module such as os, subprocess, builtins, sys, importlib, shutil or socket; Keras imports the module and calls what it finds there while loading (CVE-2025-1550). Do not load the model.',
      tags: TAGS_MALWARE,
    },
    'foreign-module': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'Keras config references code outside Keras',
      help: 'An object in the config is deserialised from a module outside keras (custom layers, __main__, third-party packages): loading imports that module and runs its code. Make sure the package is the one you expect.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    gadget: {
      verdict: 'malicious',
      severity: 'high',
      title: 'Keras config uses a Keras or TensorFlow function as a gadget',
      help: 'The config references a function that downloads or writes files, loads other models, runs Python, or turns off safe mode (keras.utils.get_file CVE-2025-8747, keras.config.enable_unsafe_deserialization CVE-2025-9906, tf.io.write_file, tf.py_function …). A layer config has no reason to.',
      tags: TAGS_MALWARE,
    },
  },
  'keras',
);

export interface KerasFinding {
  rule: ScanRule;
  message: string;
  /** The offending config object, as JSON, clipped. */
  fragment: string;
}

/** Packages a Keras config may deserialise from without review. */
const KERAS_PACKAGES = new Set(['keras', 'keras_nlp', 'keras_hub', 'keras_cv', 'tf_keras']);
/** Top-level modules whose presence in a config is an attack (the dangerous families of model-files.md §2). */
const DANGEROUS_MODULES = new Set([
  'os', 'nt', 'posix', 'subprocess', '_posixsubprocess', 'builtins', '__builtin__', '__builtins__', 'sys', 'importlib', 'pkgutil', 'runpy', 'code',
  'codeop', 'shutil', 'socket', 'ssl', 'pty', 'commands', 'ctypes', 'marshal', 'pickle', '_pickle', 'cPickle', 'dill', 'joblib', 'cloudpickle',
  'multiprocessing', 'webbrowser', 'urllib', 'urllib2', 'urllib3', 'requests', 'http', 'httplib', 'ftplib', 'telnetlib', 'smtplib', 'asyncio',
  'tempfile', 'io', '_io', 'pathlib', 'glob', 'zipfile', 'tarfile', 'pdb', 'bdb', 'timeit', 'trace', 'profile', 'cProfile', 'pydoc', 'operator',
  '_operator', 'functools', 'types', 'inspect', 'platform', 'uuid', 'imaplib', 'zipimport', 'sysconfig', 'distutils', 'setuptools', 'pip', 'venv',
  'signal', 'threading', '_thread', 'gc', 'ensurepip', 'doctest', 'idlelib', 'lib2to3', 'tkinter',
]);
/** Python builtins that run code, import, touch files or reach interpreter internals when Keras hands them a value. */
const DANGEROUS_BUILTINS = new Set(['eval', 'exec', 'compile', 'open', '__import__', 'getattr', 'setattr', 'delattr', 'globals', 'locals', 'vars', 'breakpoint', 'input', 'help', 'exit', 'quit', '__build_class__', 'memoryview', 'print']);
/** The other names Python's builtins module defines: harmless alone, but not what a Keras config names. */
const PY_BUILTINS = new Set([
  'abs', 'aiter', 'all', 'anext', 'any', 'ascii', 'bin', 'bool', 'bytearray', 'bytes', 'callable', 'chr', 'classmethod', 'complex', 'dict', 'dir',
  'divmod', 'enumerate', 'filter', 'float', 'format', 'frozenset', 'hasattr', 'hash', 'hex', 'id', 'int', 'isinstance', 'issubclass', 'iter', 'len',
  'list', 'map', 'max', 'min', 'next', 'object', 'oct', 'ord', 'pow', 'property', 'range', 'repr', 'reversed', 'round', 'set', 'slice', 'sorted',
  'staticmethod', 'str', 'sum', 'super', 'tuple', 'type', 'zip',
]);
/** Function names that make a Keras/TensorFlow reference a gadget (download, file I/O, Python calls, nested loads, safe mode off). */
const GADGET_FUNCTIONS = new Set([
  'get_file', 'enable_unsafe_deserialization', 'load_model', 'load_weights', 'model_from_json', 'model_from_yaml', 'model_from_config',
  'write_file', 'read_file', 'py_function', 'numpy_function', 'py_func', 'eager_py_func', 'WriteFile', 'ReadFile', 'PyFunc', 'EagerPyFunc',
  'PyFuncStateless', 'save_model', 'system', 'popen', 'eval', 'exec',
]);
/** Words looked for in decoded Lambda bytecode, for the message only (any bytecode is already malicious). */
const BYTECODE_WORDS = ['os', 'system', 'popen', 'subprocess', 'eval', 'exec', '__import__', 'builtins', 'open', 'socket', 'getattr', 'compile', 'import_module', 'urlopen', 'requests', 'shutil', 'write_file', 'get_file'];

const MAX_DEPTH = 300;
const MAX_NODES = 2_000_000;
const MAX_FINDINGS = 100;

function topPackage(module: string): string {
  return module.split('.')[0] ?? module;
}

function isKerasModule(module: string): boolean {
  const top = topPackage(module);
  if (KERAS_PACKAGES.has(top)) return true;
  return module === 'tensorflow.keras' || module.startsWith('tensorflow.keras.') || module.startsWith('tensorflow.python.keras');
}

function fragmentOf(v: unknown): string {
  try {
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' && x.length > 60 ? `${x.slice(0, 57)}...` : x)) ?? '';
    return s.length > 200 ? `${s.slice(0, 197)}...` : s;
  } catch {
    return '';
  }
}

/** Names of dangerous things spelt in a marshalled code object (base64 in the config), for the message. */
function bytecodeWords(b64: string): string[] {
  const bytes = Buffer.from(b64.slice(0, 4 * 1024 * 1024), 'base64');
  const text = bytes.toString('latin1');
  const found: string[] = [];
  for (const w of BYTECODE_WORDS) {
    if (new RegExp(`(?:^|[^A-Za-z0-9_])${w}(?:[^A-Za-z0-9_]|$)`).test(text)) found.push(w);
  }
  return found;
}

/** Looks for code-execution paths in a parsed Keras config (any Keras version). Never throws on hostile input. */
export function analyseKerasConfig(config: unknown): KerasFinding[] {
  const out = new Map<string, KerasFinding>();
  const add = (rule: ScanRule, message: string, node: unknown): void => {
    const fragment = fragmentOf(node);
    const key = `${rule.id}\0${message}\0${fragment}`;
    if (!out.has(key) && out.size < MAX_FINDINGS) out.set(key, { rule, message, fragment });
  };
  let nodes = 0;

  const checkModule = (module: string, name: string, node: unknown): void => {
    const shown = printable(module, 80);
    if (module === 'builtins' || module === '__builtin__') {
      // Keras writes module "builtins" for its own functions named only by a string ("relu", "mse") and looks them
      // up in its own modules first; a name only Python's builtins define is what it then imports (CVE-2025-1550).
      if (DANGEROUS_BUILTINS.has(name)) add(KERAS_RULES['dangerous-module'], `config deserialises ${printable(name, 60)} from module ${shown}`, node);
      else if (PY_BUILTINS.has(name)) add(KERAS_RULES['foreign-module'], `config deserialises the Python builtin ${printable(name, 60)}`, node);
      return;
    }
    if (DANGEROUS_MODULES.has(topPackage(module))) add(KERAS_RULES['dangerous-module'], `config deserialises ${printable(name, 60)} from module ${shown}`, node);
    else if (!isKerasModule(module)) {
      if (GADGET_FUNCTIONS.has(name)) add(KERAS_RULES.gadget, `config references ${shown}.${printable(name, 60)}`, node);
      else add(KERAS_RULES['foreign-module'], `config deserialises ${printable(name, 60)} from module ${shown}`, node);
    }
  };

  const lambdaFunction = (fn: unknown, cfg: Record<string, unknown>, node: unknown, what: string): boolean => {
    const type = own(cfg, what === 'function' ? 'function_type' : 'output_shape_type');
    // Keras 2: [base64 marshal, defaults, closure] with function_type "lambda".
    if (Array.isArray(fn) && typeof fn[0] === 'string' && (type === 'lambda' || type === undefined)) {
      const words = bytecodeWords(fn[0]);
      add(KERAS_RULES['lambda-bytecode'], `Lambda ${what} is marshalled Python bytecode${words.length ? ` naming ${words.join(', ')}` : ''}`, node);
      return true;
    }
    // Keras 2: a function named by module and name.
    if (typeof fn === 'string' && type === 'function') {
      const module = own(cfg, what === 'function' ? 'module' : 'output_shape_module');
      if (typeof module === 'string') checkModule(module, fn, node);
      if (GADGET_FUNCTIONS.has(fn.split('.').at(-1) ?? fn)) add(KERAS_RULES.gadget, `Lambda ${what} is ${printable(fn, 60)}`, node);
      return true;
    }
    // Keras 3: a serialised object; walked generically (the __lambda__ and module checks apply to it).
    return isPlainObject(fn);
  };

  const visit = (v: unknown, depth: number): void => {
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    if (typeof v === 'string') {
      const last = v.split(/[.>]/).at(-1) ?? v;
      if (last === 'get_file' || last === 'enable_unsafe_deserialization') add(KERAS_RULES.gadget, `config names ${printable(v, 80)}`, v);
      return;
    }
    if (!isPlainObject(v)) return;
    const className = own(v, 'class_name');
    const module = own(v, 'module');
    const cfg = own(v, 'config');
    const inner = isPlainObject(cfg) ? cfg : undefined;

    if (className === '__lambda__') {
      // Keras 3 writes {"value": [code, defaults, closure]}; other writers use {"code": …}.
      const value = inner ? (own(inner, 'value') ?? own(inner, 'code')) : undefined;
      const code: unknown = Array.isArray(value) ? value[0] : value;
      const words = typeof code === 'string' ? bytecodeWords(code) : [];
      add(KERAS_RULES['lambda-bytecode'], `serialised lambda is marshalled Python bytecode${words.length ? ` naming ${words.join(', ')}` : ''}`, v);
    } else if (typeof className === 'string' && (className === 'Lambda' || className.endsWith('>Lambda') || className.endsWith('.Lambda')) && inner) {
      const known = lambdaFunction(own(inner, 'function'), inner, v, 'function');
      if (!known) add(KERAS_RULES['lambda-layer'], 'Lambda layer without a recognisable function', v);
      const shape = own(inner, 'output_shape');
      if (own(inner, 'output_shape_type') !== undefined) lambdaFunction(shape, inner, v, 'output_shape');
    } else if (className === 'TFOpLambda' && inner) {
      const fn = own(inner, 'function');
      if (typeof fn === 'string' && fn.split('.').some((p) => GADGET_FUNCTIONS.has(p))) add(KERAS_RULES.gadget, `TFOpLambda calls tf.${printable(fn, 60)}`, v);
    }

    if (typeof module === 'string' && module !== '') {
      const name = typeof className === 'string' ? className : '?';
      const spec = own(v, 'spec_name');
      if (name === '__typespec__') {
        // TensorFlow TypeSpecs (tf.TensorSpec …) are imported from their own module by spec_name.
        if (topPackage(module) !== 'tensorflow') checkModule(module, typeof spec === 'string' ? spec : '?', v);
      } else if (name === 'function' && typeof cfg === 'string') {
        checkModule(module, cfg, v);
        if (isKerasModule(module) && GADGET_FUNCTIONS.has(cfg)) add(KERAS_RULES.gadget, `config references ${printable(module, 80)}.${printable(cfg, 60)}`, v);
      } else if (typeof className === 'string') checkModule(module, name, v);
    }
    if (typeof className === 'string' && className.includes('.') && DANGEROUS_MODULES.has(topPackage(className))) {
      add(KERAS_RULES['dangerous-module'], `config names the class ${printable(className, 80)}`, v);
    }
    const registered = own(v, 'registered_name');
    if (typeof registered === 'string') {
      const pkg = registered.split(/[>.]/)[0] ?? '';
      if (DANGEROUS_MODULES.has(pkg)) add(KERAS_RULES['dangerous-module'], `config registers ${printable(registered, 80)}`, v);
    }

    for (const key of Object.keys(v)) visit(own(v, key), depth + 1);
  };

  visit(config, 0);
  return [...out.values()];
}

/** Reads a whole JSON document from a source, bounded by the metadata limit. */
export function readJsonSource(src: ByteSource, ctx: ScanContext, what: string): unknown {
  if (src.size > ctx.limits.maxMetadataBytes) {
    throw new ScanAbort('limit', `${what} of ${src.size} bytes exceeds the ${ctx.limits.maxMetadataBytes}-byte metadata limit`, ctx.member);
  }
  return parseJsonBytes(src.read(0, src.size), what, 0);
}

export const kerasConfigScanner: FormatScanner = {
  format: 'keras',
  scan(src: ByteSource, ctx: ScanContext): void {
    let config: unknown;
    try {
      config = readJsonSource(src, ctx, 'Keras config');
      if (!isPlainObject(config)) throw formatError('Keras config is not a JSON object', 0);
    } catch (e) {
      reportStructural(ctx, e);
      return;
    }
    for (const f of analyseKerasConfig(config)) ctx.report(f.rule, { message: f.message, fragment: f.fragment });
  },
};
