// The pickle scanner's rules (ids `pickle.*`): what each finding means and what it makes of the file.
import { defineRules, TAGS_MALWARE, TAGS_SUPPLY_CHAIN } from '../rules.js';

export const PICKLE_RULES = defineRules(
  {
    'dangerous-global': {
      verdict: 'malicious',
      severity: 'critical',
      title: 'Pickle imports or calls a dangerous global',
      help: 'The pickle names a Python global from a family that runs code, spawns processes, imports modules, loads a nested payload, opens files or connections, or tampers with scanners. Loading the file (pickle.load, torch.load, joblib.load) imports it and usually calls it. Do not load the file.',
      tags: TAGS_MALWARE,
    },
    'dangerous-import': {
      verdict: 'suspicious',
      severity: 'high',
      title: 'Broken pickle imports a dangerous global it never reaches',
      help: 'The stream imports a dangerous global and then breaks before any call could use it, so a loader stops with an error first. The break is reported too; do not load the file.',
      tags: TAGS_MALWARE,
    },
    'unknown-global': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'Pickle imports a global that is not known to be safe',
      help: 'Loading the file imports this global and may call it; it is not on the allowlist of tensor, array and container rebuilders. It may be a class from the model\'s own code (then vet that code) or a gadget the denylist does not know. --strict treats it as malicious.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'dynamic-global': {
      verdict: 'malicious',
      severity: 'high',
      title: 'Pickle imports a global whose name is computed or hidden',
      help: 'STACK_GLOBAL took its module or name from a value that is not a literal string (the result of a call) or from a string too long to check. Serializers never do this; it hides the imported name from scanners.',
      tags: TAGS_MALWARE,
    },
    'indirect-call': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'Pickle calls a value that is not an imported global',
      help: 'REDUCE, OBJ, NEWOBJ or INST called the result of an earlier call, a persistent-id object or a value the stream never defined. Serializers only call imported classes and functions; this pattern chains gadgets.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'global-mutation': {
      verdict: 'malicious',
      severity: 'high',
      title: 'Pickle modifies an imported module, class or function',
      help: 'BUILD, SETITEM(S), APPEND(S) or ADDITEMS was applied to an imported global rather than to a new object: loading the file overwrites attributes or registries of a library in memory (for instance to replace a function the loader calls later).',
      tags: TAGS_MALWARE,
    },
    'unknown-extension': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'Pickle uses a copyreg extension code',
      help: 'EXT1/EXT2/EXT4 name a global by a number from the copyreg extension registry of the loading process; Python registers none by default, so what it resolves to cannot be checked from the file.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'frame-mismatch': {
      verdict: 'suspicious',
      severity: 'high',
      title: 'Pickle opcode crosses a frame boundary',
      help: 'A protocol 4+ FRAME declares a length that an opcode runs past (or a new frame starts inside one). Python\'s C and pure-Python unpicklers disagree on such streams, which has been used to show scanners a different pickle than the loader runs.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'unparsed-data': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'Data after a pickle could not be accounted for',
      help: 'A joblib inline array or legacy PyTorch storage follows the pickle, but its length could not be worked out from the pickle (unknown dtype or storage type, array inside a frame); the rest of the file was not scanned.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'trailing-data': {
      verdict: 'info',
      severity: 'low',
      title: 'Bytes after the last pickle stream',
      help: 'The file continues after the final STOP with bytes that do not form a pickle. pickle.load ignores them; they are reported so that nothing is silently skipped.',
      tags: {},
    },
  },
  'pickle',
);

export type PickleRule = (typeof PICKLE_RULES)[keyof typeof PICKLE_RULES];
