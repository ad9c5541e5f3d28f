// The pickle scanner's judgement data: which Python globals are known safe (allowlist, exact names only), which
// families are dangerous (whole modules with their submodules, or exact names with everything below them), and the
// module aliases Python's unpickler (or an attacker) can use to reach the same objects under another name.
// Sources: CPython Lib/pickle.py + Lib/_compat_pickle.py (name mapping), picklescan `_unsafe_globals`/`_safe_globals`,
// modelscan `unsafe_globals`, fickling `UNSAFE_IMPORTS`/`ml.py`, ModelAudit `ALWAYS_DANGEROUS_*`, PyTorch
// torch/_weights_only_unpickler.py (see ../shared/reference/model-files.md §2–3). Facts only; nothing copied.

export interface DangerousFamily {
  readonly id: string;
  /** What importing or calling a member does, shown in findings: "calls os.system (runs system commands)". */
  readonly does: string;
  /** One-line justification. */
  readonly why: string;
  /** Modules denied together with every submodule and attribute: `os` covers `os.system` and `os.path.join`. */
  readonly modules: readonly string[];
  /** Exact `module.qualname` names, denied together with every attribute below them (`builtins.eval.__call__`). */
  readonly names: readonly string[];
  /** Exact names inside a denied module that are harmless; they are judged like any other name (allowlist or unknown). */
  readonly exceptions?: readonly string[];
}

export interface SafeFamily {
  readonly id: string;
  /** One-line justification: why loading these runs no attacker-chosen code. */
  readonly why: string;
  /** Exact `module.qualname` names; nothing below them (no `collections.OrderedDict.__init__`). */
  readonly names: readonly string[];
}

/** `module` + each of `names` → `module.name`. */
function under(module: string, names: readonly string[]): string[] {
  return names.map((n) => `${module}.${n}`);
}

const TORCH_STORAGE_KINDS = [
  'Double', 'Float', 'Half', 'BFloat16', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool',
  'ComplexDouble', 'ComplexFloat', 'QUInt8', 'QInt8', 'QInt32', 'QUInt4x2', 'QUInt2x4',
] as const;

/** Bytes per element of each legacy `torch.<Kind>Storage` (for the raw storage data of pre-zip checkpoints). */
export const TORCH_STORAGE_ELEMENT_SIZE: Readonly<Record<string, number>> = Object.freeze({
  Double: 8, Float: 4, Half: 2, BFloat16: 2, Long: 8, Int: 4, Short: 2, Char: 1, Byte: 1, Bool: 1,
  ComplexDouble: 16, ComplexFloat: 8, QUInt8: 1, QInt8: 1, QInt32: 4, QUInt4x2: 1, QUInt2x4: 1, Untyped: 1,
});

const TORCH_DTYPES = [
  'float16', 'float32', 'float64', 'bfloat16', 'half', 'float', 'double', 'int8', 'int16', 'int32', 'int64',
  'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'complex32', 'complex64', 'complex128', 'cfloat', 'cdouble',
  'long', 'int', 'short', 'qint8', 'quint8', 'qint32', 'quint4x2', 'float8_e4m3fn', 'float8_e5m2',
  'float8_e4m3fnuz', 'float8_e5m2fnuz',
  // layouts, memory formats and quantisation schemes are module-level constants too
  'strided', 'sparse_coo', 'sparse_csr', 'sparse_csc', 'sparse_bsr', 'sparse_bsc', 'jagged',
  'contiguous_format', 'channels_last', 'channels_last_3d', 'preserve_format',
  'per_tensor_affine', 'per_channel_affine', 'per_tensor_symmetric', 'per_channel_symmetric',
];

/** torch.nn module classes by defining module (torch/nn/modules/*.py). */
const TORCH_NN_MODULES: Readonly<Record<string, readonly string[]>> = {
  module: ['Module'],
  activation: [
    'Threshold', 'ReLU', 'RReLU', 'Hardtanh', 'ReLU6', 'Sigmoid', 'Hardsigmoid', 'Tanh', 'SiLU', 'Mish', 'Hardswish',
    'ELU', 'CELU', 'SELU', 'GLU', 'GELU', 'Hardshrink', 'LeakyReLU', 'LogSigmoid', 'Softplus', 'Softshrink',
    'MultiheadAttention', 'PReLU', 'Softsign', 'Tanhshrink', 'Softmin', 'Softmax', 'Softmax2d', 'LogSoftmax',
  ],
  linear: ['Identity', 'Linear', 'Bilinear', 'LazyLinear', 'NonDynamicallyQuantizableLinear'],
  conv: ['Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d'],
  batchnorm: ['BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'SyncBatchNorm'],
  instancenorm: ['InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d'],
  normalization: ['LayerNorm', 'GroupNorm', 'LocalResponseNorm', 'CrossMapLRN2d', 'RMSNorm'],
  dropout: ['Dropout', 'Dropout1d', 'Dropout2d', 'Dropout3d', 'AlphaDropout', 'FeatureAlphaDropout'],
  sparse: ['Embedding', 'EmbeddingBag'],
  rnn: ['RNNBase', 'RNN', 'LSTM', 'GRU', 'RNNCell', 'LSTMCell', 'GRUCell'],
  container: ['Sequential', 'ModuleList', 'ModuleDict', 'ParameterList', 'ParameterDict'],
  pooling: [
    'MaxPool1d', 'MaxPool2d', 'MaxPool3d', 'AvgPool1d', 'AvgPool2d', 'AvgPool3d', 'AdaptiveAvgPool1d',
    'AdaptiveAvgPool2d', 'AdaptiveAvgPool3d', 'AdaptiveMaxPool1d', 'AdaptiveMaxPool2d', 'AdaptiveMaxPool3d',
    'LPPool1d', 'LPPool2d', 'FractionalMaxPool2d', 'FractionalMaxPool3d', 'MaxUnpool1d', 'MaxUnpool2d', 'MaxUnpool3d',
  ],
  flatten: ['Flatten', 'Unflatten'],
  padding: [
    'ZeroPad1d', 'ZeroPad2d', 'ZeroPad3d', 'ConstantPad1d', 'ConstantPad2d', 'ConstantPad3d', 'ReflectionPad1d',
    'ReflectionPad2d', 'ReflectionPad3d', 'ReplicationPad1d', 'ReplicationPad2d', 'ReplicationPad3d', 'CircularPad1d',
    'CircularPad2d', 'CircularPad3d',
  ],
  upsampling: ['Upsample', 'UpsamplingNearest2d', 'UpsamplingBilinear2d'],
  pixelshuffle: ['PixelShuffle', 'PixelUnshuffle'],
  channelshuffle: ['ChannelShuffle'],
  distance: ['PairwiseDistance', 'CosineSimilarity'],
  fold: ['Fold', 'Unfold'],
  transformer: ['Transformer', 'TransformerEncoder', 'TransformerDecoder', 'TransformerEncoderLayer', 'TransformerDecoderLayer'],
  loss: [
    'L1Loss', 'NLLLoss', 'PoissonNLLLoss', 'GaussianNLLLoss', 'KLDivLoss', 'MSELoss', 'BCELoss', 'BCEWithLogitsLoss',
    'HingeEmbeddingLoss', 'MultiLabelMarginLoss', 'SmoothL1Loss', 'HuberLoss', 'SoftMarginLoss', 'CrossEntropyLoss',
    'MultiLabelSoftMarginLoss', 'CosineEmbeddingLoss', 'MarginRankingLoss', 'MultiMarginLoss', 'TripletMarginLoss',
    'CTCLoss',
  ],
};

const NUMPY_SCALAR_TYPES = [
  'bool_', 'bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'intc', 'uintc', 'intp',
  'uintp', 'short', 'ushort', 'byte', 'ubyte', 'longlong', 'ulonglong', 'float16', 'float32', 'float64', 'half',
  'single', 'double', 'longdouble', 'complex64', 'complex128', 'csingle', 'cdouble', 'clongdouble', 'str_', 'bytes_',
  'object_', 'void', 'datetime64', 'timedelta64', 'generic', 'number', 'integer', 'signedinteger', 'unsignedinteger',
  'inexact', 'floating', 'complexfloating',
];

export const SAFE_FAMILIES: readonly SafeFamily[] = [
  {
    id: 'torch-tensors',
    why: 'rebuild tensors and parameters from storages and metadata; the set PyTorch\'s weights-only unpickler accepts (torch/_weights_only_unpickler.py)',
    names: [
      ...under('torch._utils', [
        '_rebuild_tensor', '_rebuild_tensor_v2', '_rebuild_tensor_v3', '_rebuild_parameter', '_rebuild_parameter_with_state',
        '_rebuild_sparse_tensor', '_rebuild_sparse_csr_tensor', '_rebuild_device_tensor_from_numpy',
        '_rebuild_device_tensor_from_cpu_tensor', '_rebuild_meta_tensor_no_storage', '_rebuild_wrapper_subclass',
        '_rebuild_qtensor', '_rebuild_nested_tensor', '_rebuild_xla_tensor', '_rebuild_mps_tensor',
      ]),
      'torch._tensor._rebuild_from_type',
      'torch._tensor._rebuild_from_type_v2',
      'torch.nn.parameter.Parameter',
      'torch.nn.parameter.Buffer',
      'torch.nn.parameter.UninitializedParameter',
      'torch.nn.parameter.UninitializedBuffer',
      'torch.Tensor',
      'torch._tensor.Tensor',
      'torch.Size',
      'torch.device',
      'torch.serialization._get_layout',
      'torch.torch_version.TorchVersion',
      ...under('torch', TORCH_DTYPES),
    ],
  },
  {
    id: 'torch-storages',
    why: 'storage classes named in persistent ids and legacy tensor types: constructing one allocates memory and nothing else',
    names: [
      ...TORCH_STORAGE_KINDS.map((k) => `torch.${k}Storage`),
      ...TORCH_STORAGE_KINDS.map((k) => `torch.cuda.${k}Storage`),
      ...TORCH_STORAGE_KINDS.filter((k) => !k.startsWith('Q')).map((k) => `torch.${k}Tensor`),
      ...TORCH_STORAGE_KINDS.filter((k) => !k.startsWith('Q')).map((k) => `torch.cuda.${k}Tensor`),
      'torch.UntypedStorage',
      'torch.storage.UntypedStorage',
      'torch.storage.TypedStorage',
      'torch.storage._LegacyStorage',
    ],
  },
  {
    id: 'torch-nn-modules',
    why: 'whole-model checkpoints rebuild modules with __new__ and Module.__setstate__ (a __dict__ update); no constructor runs',
    names: [
      ...Object.entries(TORCH_NN_MODULES).flatMap(([mod, names]) => under(`torch.nn.modules.${mod}`, names)),
      ...under('torch.nn.functional', [
        'relu', 'relu6', 'gelu', 'silu', 'elu', 'selu', 'leaky_relu', 'mish', 'softplus', 'hardswish', 'sigmoid', 'tanh',
        'softmax', 'log_softmax', 'dropout', 'layer_norm', 'linear', 'glu',
      ]),
    ],
  },
  {
    id: 'numpy-arrays',
    why: 'numpy array, dtype and scalar reconstruction (ndarray.__reduce__, dtype.__reduce__, protocol-5 _frombuffer) and scalar type objects',
    names: [
      ...['numpy.core', 'numpy._core'].flatMap((p) => [
        `${p}.multiarray._reconstruct`,
        `${p}.multiarray.scalar`,
        `${p}.numeric._frombuffer`,
      ]),
      'numpy.ndarray',
      'numpy.dtype',
      'numpy.matrix',
      'numpy.matrixlib.defmatrix.matrix',
      'numpy.ma.core._mareconstruct',
      'numpy.ma.core.MaskedArray',
      'numpy.random._pickle.__randomstate_ctor',
      'numpy.random._pickle.__generator_ctor',
      'numpy.random._pickle.__bit_generator_ctor',
      ...under('numpy', NUMPY_SCALAR_TYPES),
    ],
  },
  {
    id: 'joblib-arrays',
    why: 'joblib\'s placeholder for a numpy array written inline after it; the scanner reads the array layout itself',
    names: ['joblib.numpy_pickle.NumpyArrayWrapper', 'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper'],
  },
  {
    id: 'containers',
    why: 'plain data types: calling them builds a value from arguments that are themselves checked',
    names: [
      ...under('builtins', [
        'set', 'frozenset', 'complex', 'bytearray', 'bytes', 'slice', 'range', 'dict', 'list', 'tuple', 'int', 'float',
        'bool', 'str', 'object', 'Ellipsis', 'NotImplemented',
      ]),
      ...under('collections', ['OrderedDict', 'defaultdict', 'Counter', 'deque']),
      ...under('datetime', ['datetime', 'date', 'time', 'timedelta', 'timezone']),
      'decimal.Decimal',
      'fractions.Fraction',
      'array.array',
      'array._array_reconstructor',
      'types.SimpleNamespace',
      'argparse.Namespace',
      'uuid.UUID',
      'uuid.SafeUUID',
      're._compile',
      ...under('pathlib', ['PurePath', 'PurePosixPath', 'PureWindowsPath', 'Path', 'PosixPath', 'WindowsPath']),
      ...under('os', ['stat_result', 'terminal_size', 'times_result', 'uname_result', 'statvfs_result']),
    ],
  },
  {
    id: 'copyreg-reconstruct',
    why: 'the default object reconstruction of protocols 0–1 (copyreg._reconstructor) and 2+ (__newobj__): they only call __new__/__init__ of a class that is itself checked',
    names: ['copyreg._reconstructor', 'copyreg.__newobj__', 'copyreg.__newobj_ex__'],
  },
  {
    id: 'codecs-encode',
    why: 'numpy object arrays pickle bytes as _codecs.encode(text, "latin1"); stdlib codecs only transform data',
    names: ['_codecs.encode', 'codecs.encode'],
  },
];

export const DANGEROUS_FAMILIES: readonly DangerousFamily[] = [
  {
    id: 'code-execution',
    does: 'runs Python code',
    why: 'evaluates or compiles source or bytecode, or rebuilds functions from code objects',
    modules: [
      'marshal', 'codeop', 'runpy', 'cloudpickle', 'timeit', 'trace', 'doctest', 'pdb', 'bdb', 'profile',
      'cProfile', 'test', 'idlelib', 'lib2to3', 'IPython', 'ipykernel', '_xxsubinterpreters', '_interpreters',
      'interpreters', 'numpy.f2py', 'numpy.testing', 'numpy.distutils', 'pandas.core.computation', 'numexpr',
      'transformers.dynamic_module_utils', 'py_compile', 'compileall',
    ],
    names: [
      ...under('builtins', ['eval', 'exec', 'compile', 'execfile', 'breakpoint', '__build_class__']),
      // the stdlib `code` module by name only: research projects often have a package called `code`
      ...under('code', ['InteractiveInterpreter', 'InteractiveConsole', 'interact', 'compile_command']),
      ...under('types', ['CodeType', 'FunctionType', 'LambdaType', 'MethodType']),
      'typing.get_type_hints',
      'typing._eval_type',
      'typing.ForwardRef._evaluate',
      'dataclasses._create_fn',
      'pandas.eval',
    ],
  },
  {
    id: 'processes',
    does: 'runs system commands or processes',
    why: 'spawns processes, shells, pagers or browsers (uuid, _osx_support, _aix_support, _pyrepl, imaplib stream: picklescan 2025–2026 advisories)',
    modules: [
      'os', 'posix', 'nt', 'subprocess', '_posixsubprocess', '_winapi', 'pty', 'commands', 'popen2', 'multiprocessing',
      '_multiprocessing', 'concurrent.futures.process', 'webbrowser', 'antigravity', 'platform', '_osx_support',
      '_aix_support', '_pyrepl', 'pydoc', 'pipes', 'uuid', 'pexpect', 'ptyprocess', 'sh', 'plumbum', 'invoke',
      'fabric', 'distutils', 'setuptools', 'pip', 'ensurepip', 'venv', 'site', 'torch.multiprocessing',
    ],
    names: ['builtins.help', 'concurrent.futures.ProcessPoolExecutor'],
    exceptions: [
      'os.stat_result', 'os.terminal_size', 'os.times_result', 'os.uname_result', 'os.statvfs_result', 'uuid.UUID',
      'uuid.SafeUUID', 'platform.uname_result',
    ],
  },
  {
    id: 'import-gadgets',
    does: 'imports modules or reaches arbitrary attributes (an import trampoline or attribute gadget)',
    why: 'resolves names or attributes chosen by the pickle, so any allowlist can be walked around',
    modules: [
      'importlib', 'imp', '_imp', 'pkgutil', 'zipimport', '_frozen_importlib', '_frozen_importlib_external', 'inspect',
      'gc', 'sys',
    ],
    names: [
      ...under('builtins', ['__import__', 'getattr', 'setattr', 'delattr', 'globals', 'locals', 'vars', 'dir', 'reload', 'apply']),
      ...under('operator', ['attrgetter', 'itemgetter', 'methodcaller', 'call', 'getitem', 'setitem', 'delitem']),
      'functools.partial',
      'functools.partialmethod',
      'torch._utils._import_dotted_name',
    ],
  },
  {
    id: 'native-code',
    does: 'loads native code or touches raw memory',
    why: 'foreign-function interfaces, shared-library loaders and interpreter test hooks',
    modules: [
      'ctypes', '_ctypes', 'cffi', '_cffi_backend', 'numpy.ctypeslib', 'torch.utils.cpp_extension', '_testcapi',
      '_testinternalcapi', 'faulthandler',
    ],
    names: ['torch.ops.load_library', 'torch._ops.ops.load_library', 'torch.classes.load_library'],
  },
  {
    id: 'nested-loaders',
    does: 'loads another serialized payload, which can run code',
    why: 'a pickle, dill, joblib, torch, YAML or shelve load inside the load hides a second payload from a one-level scan',
    modules: [
      'pickle', '_pickle', 'cPickle', 'dill', 'joblib', 'sklearn.externals.joblib', 'shelve', 'dbm', 'jsonpickle',
      'yaml', 'ruamel.yaml', 'torch.serialization', 'torch.hub', 'torch.package', 'torch.utils.model_zoo',
      'torch.utils._config_module', 'torch.utils.data.datapipes.utils.decoder', 'pandas.io.pickle',
      'numpy.lib.npyio', 'numpy.lib.format',
    ],
    names: [
      'torch.load',
      'torch.storage._load_from_bytes',
      'numpy.load',
      'numpy.loads',
      'numpy.core.numeric.load',
      'numpy.core.numeric.loads',
      'numpy.core.multiarray.loads',
      'pandas.read_pickle',
      'keras.models.load_model',
      'keras.saving.load_model',
      'tensorflow.keras.models.load_model',
      'tf_keras.models.load_model',
      'tensorflow.saved_model.load',
    ],
    exceptions: [
      'joblib.numpy_pickle.NumpyArrayWrapper',
      'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper',
      // joblib < 0.10 placeholders: they read a sibling .npy file; unknown (suspicious) rather than malicious
      'joblib.numpy_pickle.NDArrayWrapper',
      'joblib.numpy_pickle.ZNDArrayWrapper',
      'joblib.numpy_pickle_compat.NDArrayWrapper',
      'joblib.numpy_pickle_compat.ZNDArrayWrapper',
      'torch.serialization._get_layout',
    ],
  },
  {
    id: 'torch-gadgets',
    does: 'reaches code execution through PyTorch internals',
    why: 'TorchScript, FX, Dynamo/Inductor, RPC, benchmark and environment helpers that compile, exec or shell out',
    modules: [
      'torch._C', 'torch.jit', 'torch.fx', 'torch._dynamo', 'torch._inductor', 'torch._functorch', 'torch._export',
      'torch.export', 'torch.compiler', 'torch.distributed.rpc', 'torch.distributed.elastic', 'torch.distributed.launcher',
      'torch.distributed.run', 'torch.distributed.launch', 'torch.utils.collect_env', 'torch.utils.bottleneck',
      'torch.utils.benchmark', 'torch.testing',
    ],
    names: [],
  },
  {
    id: 'network',
    does: 'opens network connections',
    why: 'sockets, HTTP, mail and RPC clients and servers (data exfiltration, payload download)',
    modules: [
      'socket', '_socket', 'ssl', '_ssl', 'http', 'httplib', 'urllib', 'urllib2', 'urllib3', 'requests', 'aiohttp',
      'httpx', 'httplib2', 'pycurl', 'asyncio', 'asyncore', 'asynchat', 'smtplib', 'smtpd', 'ftplib', 'telnetlib',
      'poplib', 'imaplib', 'nntplib', 'xmlrpc', 'xmlrpclib', 'socketserver', 'SocketServer', 'wsgiref', 'paramiko',
      'websocket', 'websockets', 'dns', 'twisted', 'grpc',
    ],
    names: [],
  },
  {
    id: 'files',
    does: 'reads or writes files',
    why: 'file handles, archives, temporary files, logging handlers and path methods (logging.FileHandler, _io.FileIO: picklescan 2026 advisories)',
    modules: [
      'io', '_io', 'shutil', 'tempfile', 'tarfile', 'zipfile', 'fileinput', 'linecache', 'filecmp', 'mmap', 'sqlite3',
      '_sqlite3', 'logging', 'pathlib', 'h5py', 'glob',
    ],
    names: [
      'builtins.open',
      'builtins.file',
      'codecs.open',
      'gzip.open',
      'gzip.GzipFile',
      'bz2.open',
      'bz2.BZ2File',
      'lzma.open',
      'lzma.LZMAFile',
      'numpy.save',
      'numpy.savez',
      'numpy.savez_compressed',
      'numpy.savetxt',
      'numpy.fromfile',
      'numpy.loadtxt',
      'numpy.genfromtxt',
      'numpy.ndarray.tofile',
      'numpy.ndarray.dump',
      'torch.save',
    ],
    exceptions: [
      'logging.getLogger',
      ...under('pathlib', ['PurePath', 'PurePosixPath', 'PureWindowsPath', 'Path', 'PosixPath', 'WindowsPath']),
      'io.BytesIO',
      'io.StringIO',
      '_io.BytesIO',
      '_io.StringIO',
    ],
  },
  {
    id: 'process-control',
    does: 'stops, blocks or signals the loading process',
    why: 'exits, waits on the terminal, installs signal or exit handlers',
    modules: ['signal', '_signal', 'resource', 'atexit', 'tkinter', '_tkinter', 'Tkinter', 'turtle'],
    names: ['builtins.exit', 'builtins.quit', 'builtins.input', 'builtins.raw_input'],
  },
  {
    id: 'scanner-evasion',
    does: 'tampers with security scanners or the pickle machinery',
    why: 'scanner packages (fickling reports them as overtly malicious) and the copyreg extension registry behind EXT opcodes',
    modules: ['fickling', 'picklescan', 'modelscan', 'modelaudit', 'bulwark'],
    names: [
      ...under('copyreg', [
        'add_extension', 'remove_extension', 'clear_extension_cache', 'pickle', 'constructor', 'dispatch_table',
        '_extension_registry', '_inverted_registry', '_extension_cache',
      ]),
    ],
  },
];

/**
 * Attribute names that walk from any object to interpreter internals (globals, builtins, subclasses, frames, code):
 * a dotted name passing through one of them is dangerous whatever it starts from.
 */
export const ESCAPE_ATTRIBUTES: readonly string[] = [
  '__globals__', '__builtins__', '__subclasses__', '__class__', '__base__', '__bases__', '__mro__', '__dict__',
  '__getattribute__', '__getattr__', '__setattr__', '__delattr__', '__import__', '__loader__', '__spec__', '__code__',
  '__closure__', '__func__', '__self__', '__reduce__', '__reduce_ex__', '__init_subclass__', '__subclasshook__',
  '__wrapped__', '__objclass__', '__defaults__', '__kwdefaults__', '__set_name__', '__setstate__', '__setitem__',
  '__delitem__',
  'f_globals', 'f_locals', 'f_builtins', 'f_back', 'f_code', 'gi_frame', 'gi_code', 'cr_frame', 'cr_code', 'ag_frame',
  'ag_code', 'tb_frame', 'tb_next', 'co_code', 'func_globals', 'im_func', 'im_self',
];

/** The family a dotted name falls in when it passes through one of ESCAPE_ATTRIBUTES. */
export const ESCAPE_FAMILY: DangerousFamily = {
  id: 'attribute-escape',
  does: 'walks to interpreter internals through a special attribute',
  why: 'the classic sandbox escapes (__globals__, __subclasses__, frames) reach eval and os from any function or class',
  modules: [],
  names: [],
};

/**
 * Module aliases: Python 2 names the unpickler maps for protocols < 3 (Lib/_compat_pickle.py IMPORT_MAPPING, subset),
 * and C accelerator or platform modules that expose the same objects (`posix.system` is `os.system`).
 */
export const MODULE_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  __builtin__: 'builtins',
  __builtins__: 'builtins',
  exceptions: 'builtins',
  copy_reg: 'copyreg',
  cPickle: 'pickle',
  _pickle: 'pickle',
  posix: 'os',
  nt: 'os',
  commands: 'subprocess',
  _operator: 'operator',
  _functools: 'functools',
  _collections: 'collections',
  _io: 'io',
  StringIO: 'io',
  cStringIO: 'io',
  _codecs: 'codecs',
  _socket: 'socket',
  _ssl: 'ssl',
  _ctypes: 'ctypes',
  _sqlite3: 'sqlite3',
  _multiprocessing: 'multiprocessing',
  _signal: 'signal',
  urllib2: 'urllib.request',
  httplib: 'http.client',
  xmlrpclib: 'xmlrpc.client',
  SocketServer: 'socketserver',
  Tkinter: 'tkinter',
  Queue: 'queue',
  UserDict: 'collections',
  UserList: 'collections',
  UserString: 'collections',
  _abcoll: 'collections.abc',
  thread: '_thread',
});

/** Python 2 (module, name) pairs the unpickler renames (Lib/_compat_pickle.py NAME_MAPPING, the ones that matter here). */
export const NAME_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  '__builtin__.xrange': 'builtins.range',
  '__builtin__.unicode': 'builtins.str',
  '__builtin__.basestring': 'builtins.str',
  '__builtin__.long': 'builtins.int',
  '__builtin__.unichr': 'builtins.chr',
  '__builtin__.reduce': 'functools.reduce',
  '__builtin__.intern': 'sys.intern',
  '__builtin__.raw_input': 'builtins.input',
  'itertools.izip': 'builtins.zip',
  'itertools.imap': 'builtins.map',
  'itertools.ifilter': 'builtins.filter',
  'UserDict.UserDict': 'collections.UserDict',
  'UserDict.IterableUserDict': 'collections.UserDict',
  'UserList.UserList': 'collections.UserList',
  'UserString.UserString': 'collections.UserString',
  'whichdb.whichdb': 'dbm.whichdb',
  'urllib.urlopen': 'urllib.request.urlopen',
  'urllib.urlretrieve': 'urllib.request.urlretrieve',
});

/** Callables that load a serialized payload from a bytes argument we can hand to a nested scan (not marshal: code objects). */
export const NESTED_BYTES_LOADERS: readonly string[] = [
  'pickle.loads', 'pickle.load', 'pickle.Unpickler', 'pickle._loads', 'pickle._load', 'pickle._Unpickler',
  'dill.loads', 'dill.load', 'dill._dill.loads', 'cloudpickle.loads', 'cloudpickle.load', 'joblib.load',
  'torch.load', 'torch.serialization.load', 'torch.storage._load_from_bytes', 'numpy.loads', 'numpy.load',
  'numpy.core.numeric.loads', 'pandas.read_pickle', 'jsonpickle.decode', 'yaml.load', 'yaml.unsafe_load',
  'yaml.full_load', 'shelve.open',
];
