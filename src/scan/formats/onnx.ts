// ONNX scanner: walks the ModelProto protobuf (graph, nodes, attributes, subgraphs of If/Loop/Scan, local functions,
// training graphs) with the bounded wire reader and reports operators from custom domains (they need a native
// operator library the model does not contain) and external-data locations that leave the model folder
// (CVE-2022-25882, CVE-2024-27318: onnx loaded `../`-relative and absolute paths). Tensor payloads are skipped.
// Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto …).
import type { ScanContext } from '../context.js';
import { defineRules, TAGS_MALWARE, TAGS_SUPPLY_CHAIN } from '../rules.js';
import { ByteCursor, type ByteSource } from '../source.js';
import type { FormatScanner } from '../types.js';
import { ProtoReader, WIRE_LEN, WIRE_VARINT, type ProtoField } from './protobuf.js';
import { formatError, printable, reportStructural } from './structure.js';

export const ONNX_RULES = defineRules(
  {
    'external-data-traversal': {
      verdict: 'malicious',
      severity: 'high',
      title: 'ONNX external data points outside the model folder',
      help: 'A tensor stores its data in an external file whose location is absolute or climbs out of the model folder with "..": loading the model reads (and with some tools writes) arbitrary files (CVE-2022-25882, CVE-2024-27318). Do not load it.',
      tags: TAGS_MALWARE,
    },
    'external-data-odd-path': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'ONNX external data location is unusual',
      help: 'The external-data location contains ".." segments that stay inside the folder, a NUL byte or other oddities that path checks have been bypassed with. Real exporters write plain file names.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'external-data': {
      verdict: 'info',
      severity: 'info',
      title: 'ONNX tensor data lives in an external file',
      help: 'The model loads tensor data from a file beside it; scan that file too and make sure it is not a symbolic link out of the folder (not checkable from the model bytes).',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'external-data-missing-location': {
      verdict: 'error',
      severity: 'medium',
      title: 'ONNX tensor marked external without a location',
      help: 'A tensor says its data is external but names no file; loaders reject it.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'custom-domain': {
      verdict: 'suspicious',
      severity: 'medium',
      title: 'ONNX graph uses operators from a custom domain',
      help: 'Nodes use an operator domain outside the ONNX standard (ai.onnx, ai.onnx.ml, ai.onnx.preview.training): running the model needs a native custom-operator library, which is code the model file does not contain and the scanner cannot vet. Make sure you know where that library comes from.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    'vendor-domain': {
      verdict: 'info',
      severity: 'info',
      title: 'ONNX graph uses ONNX Runtime contrib operators',
      help: 'Nodes use the com.microsoft domain (ONNX Runtime contrib operators, common in optimised models); they are built into ONNX Runtime.',
      tags: {},
    },
    'custom-opset': {
      verdict: 'info',
      severity: 'info',
      title: 'ONNX model imports a custom operator set',
      help: 'opset_import declares a non-standard domain that no node of the graph uses.',
      tags: {},
    },
  },
  'onnx',
);

const STANDARD_DOMAINS = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'ai.onnx.preview.training', 'ai.onnx.training']);
const VENDOR_DOMAINS = new Set(['com.microsoft', 'com.microsoft.nchwc', 'com.microsoft.experimental', 'com.microsoft.mlfeaturizers', 'com.ms.internal.nhwc']);
const MAX_DEPTH = 100;
const MAX_NAME = 1024;
const MAX_LOCATION = 64 * 1024;
const MAX_REPORTS = 50;
const STEP_CHECK = 1 << 14;

// Field numbers (onnx/onnx.proto).
const MODEL = { opsetImport: 8, graph: 7, trainingInfo: 20, functions: 25 } as const;
const OPSET = { domain: 1 } as const;
const GRAPH = { node: 1, initializer: 5, sparseInitializer: 15 } as const;
const NODE = { opType: 4, attribute: 5, domain: 7 } as const;
const ATTR = { t: 5, g: 6, tensors: 10, graphs: 11, sparseTensor: 22, sparseTensors: 23 } as const;
const TENSOR = { name: 8, externalData: 13, dataLocation: 14 } as const;
const SPARSE = { values: 1, indices: 2 } as const;
const ENTRY = { key: 1, value: 2 } as const;
const FUNCTION = { name: 1, node: 7, opsetImport: 9, domain: 10 } as const;
const TRAINING = { initialization: 1, algorithm: 2 } as const;
const DATA_LOCATION_EXTERNAL = 1;

interface State {
  ctx: ScanContext;
  steps: number;
  reports: number;
  /** Domain → op types used by nodes (bounded) and where the first such node is. */
  used: Map<string, { ops: Set<string>; at: number }>;
  declared: Set<string>;
  /** `domain\0name` of functions defined in the model: nodes calling them need no native library. */
  localFunctions: Set<string>;
  locations: Set<string>;
}

export const onnxScanner: FormatScanner = {
  format: 'onnx',
  scan(src: ByteSource, ctx: ScanContext): void {
    const st: State = { ctx, steps: 0, reports: 0, used: new Map(), declared: new Set(), localFunctions: new Set(), locations: new Set() };
    try {
      const c = new ByteCursor(src);
      const root = new ProtoReader(c, src.size, 0, MAX_DEPTH);
      let sawGraph = false;
      for (let f = root.next(); f !== undefined; f = root.next()) {
        tick(st);
        if (f.field === MODEL.graph && f.wire === WIRE_LEN) {
          sawGraph = true;
          root.message(f, (r, g) => graphField(r, g, st));
        } else if (f.field === MODEL.opsetImport && f.wire === WIRE_LEN) root.message(f, (r, g) => opsetField(r, g, st));
        else if (f.field === MODEL.functions && f.wire === WIRE_LEN) functionProto(root, f, st);
        else if (f.field === MODEL.trainingInfo && f.wire === WIRE_LEN) {
          root.message(f, (r, g) => {
            if ((g.field === TRAINING.initialization || g.field === TRAINING.algorithm) && g.wire === WIRE_LEN) r.message(g, (rr, gg) => graphField(rr, gg, st));
          });
        } else root.skip(f);
      }
      if (!sawGraph) throw formatError('ModelProto has no graph', 0);
    } catch (e) {
      reportStructural(ctx, e, 'ONNX');
    }
    reportDomains(st);
  },
};

function tick(st: State): void {
  if (++st.steps % STEP_CHECK === 0) st.ctx.checkDeadline();
}

function report(st: State, rule: (typeof ONNX_RULES)[keyof typeof ONNX_RULES], message: string, offset: number): void {
  if (st.reports++ < MAX_REPORTS) st.ctx.report(rule, { message, offset });
}

function opsetField(r: ProtoReader, f: ProtoField, st: State): void {
  if (f.field === OPSET.domain && f.wire === WIRE_LEN) st.declared.add(r.string(f, MAX_NAME));
  else r.skip(f);
}

function graphField(r: ProtoReader, f: ProtoField, st: State): void {
  tick(st);
  if (f.wire !== WIRE_LEN) return;
  if (f.field === GRAPH.node) nodeProto(r, f, st);
  else if (f.field === GRAPH.initializer) tensorProto(r, f, st);
  else if (f.field === GRAPH.sparseInitializer) sparseTensorProto(r, f, st);
  else r.skip(f);
}

function nodeProto(r: ProtoReader, f: ProtoField, st: State): void {
  let domain = '';
  let opType = '';
  r.message(f, (rr, g) => {
    tick(st);
    if (g.wire !== WIRE_LEN) return;
    if (g.field === NODE.domain) domain = rr.string(g, MAX_NAME);
    else if (g.field === NODE.opType) opType = rr.string(g, MAX_NAME);
    else if (g.field === NODE.attribute) attributeProto(rr, g, st);
    else rr.skip(g);
  });
  if (!STANDARD_DOMAINS.has(domain)) {
    let use = st.used.get(domain);
    if (!use && st.used.size < 1000) st.used.set(domain, (use = { ops: new Set(), at: f.at }));
    if (use && use.ops.size < 1000) use.ops.add(opType);
  }
}

/** Attributes carry tensors and the subgraphs of control-flow operators (If, Loop, Scan). */
function attributeProto(r: ProtoReader, f: ProtoField, st: State): void {
  r.message(f, (rr, g) => {
    if (g.wire !== WIRE_LEN) return;
    if (g.field === ATTR.g || g.field === ATTR.graphs) rr.message(g, (r3, h) => graphField(r3, h, st));
    else if (g.field === ATTR.t || g.field === ATTR.tensors) tensorProto(rr, g, st);
    else if (g.field === ATTR.sparseTensor || g.field === ATTR.sparseTensors) sparseTensorProto(rr, g, st);
    else rr.skip(g);
  });
}

function sparseTensorProto(r: ProtoReader, f: ProtoField, st: State): void {
  r.message(f, (rr, g) => {
    if ((g.field === SPARSE.values || g.field === SPARSE.indices) && g.wire === WIRE_LEN) tensorProto(rr, g, st);
    else rr.skip(g);
  });
}

function tensorProto(r: ProtoReader, f: ProtoField, st: State): void {
  let name = '';
  let external = false;
  const locations: { value: string; at: number }[] = [];
  r.message(f, (rr, g) => {
    tick(st);
    if (g.field === TENSOR.dataLocation && g.wire === WIRE_VARINT) external = g.value === DATA_LOCATION_EXTERNAL;
    else if (g.field === TENSOR.name && g.wire === WIRE_LEN) name = rr.string(g, MAX_NAME);
    else if (g.field === TENSOR.externalData && g.wire === WIRE_LEN) {
      let key = '';
      let value: string | undefined;
      rr.message(g, (r3, h) => {
        if (h.field === ENTRY.key && h.wire === WIRE_LEN) key = r3.string(h, MAX_NAME);
        else if (h.field === ENTRY.value && h.wire === WIRE_LEN) value = r3.string(h, MAX_LOCATION);
        else r3.skip(h);
      });
      if (key === 'location' && value !== undefined) locations.push({ value, at: g.at });
    } else rr.skip(g);
    // raw_data, float_data … are skipped by offset: message() moves past every field's payload.
  });
  const label = `tensor ${printable(name || '(unnamed)', 80)}`;
  if (external && locations.length === 0) report(st, ONNX_RULES['external-data-missing-location'], `${label} is marked external but has no location`, f.at);
  for (const loc of locations) checkLocation(loc.value, loc.at, label, st);
}

/** How a location resolves against the model folder: escaping, odd, or plain. */
export function classifyLocation(location: string): 'escapes' | 'odd' | 'plain' {
  const p = location.replaceAll('\\', '/');
  if (p.startsWith('/') || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(p) || p.startsWith('~')) return 'escapes';
  let depth = 0;
  let dotdot = false;
  for (const seg of p.split('/')) {
    if (seg === '..') {
      dotdot = true;
      if (--depth < 0) return 'escapes';
    } else if (seg !== '' && seg !== '.') depth++;
  }
  if (dotdot || location.includes('\0') || location.trim() === '' || /[\u0000-\u001f]/.test(location)) return 'odd';
  return 'plain';
}

function checkLocation(location: string, at: number, label: string, st: State): void {
  const shown = printable(location, 160);
  switch (classifyLocation(location)) {
    case 'escapes':
      report(st, ONNX_RULES['external-data-traversal'], `${label} reads external data from ${shown}, outside the model folder`, at);
      return;
    case 'odd':
      report(st, ONNX_RULES['external-data-odd-path'], `${label} reads external data from the unusual path ${shown}`, at);
      return;
    default:
      if (!st.locations.has(location) && st.locations.size < 20) {
        st.locations.add(location);
        report(st, ONNX_RULES['external-data'], `${label} reads external data from ${shown}`, at);
      }
  }
}

function functionProto(r: ProtoReader, f: ProtoField, st: State): void {
  let domain = '';
  let name = '';
  r.message(f, (rr, g) => {
    if (g.wire !== WIRE_LEN) return;
    if (g.field === FUNCTION.domain) domain = rr.string(g, MAX_NAME);
    else if (g.field === FUNCTION.name) name = rr.string(g, MAX_NAME);
    else if (g.field === FUNCTION.node) nodeProto(rr, g, st);
    else if (g.field === FUNCTION.opsetImport) rr.message(g, (r3, h) => opsetField(r3, h, st));
    else rr.skip(g);
  });
  if (st.localFunctions.size < 10_000) st.localFunctions.add(`${domain}\0${name}`);
}

function reportDomains(st: State): void {
  for (const [domain, { ops, at }] of st.used) {
    const native = [...ops].filter((op) => !st.localFunctions.has(`${domain}\0${op}`));
    if (native.length === 0) continue;
    const list = native.slice(0, 8).map((op) => printable(op, 40)).join(', ');
    if (VENDOR_DOMAINS.has(domain)) report(st, ONNX_RULES['vendor-domain'], `nodes use ${printable(domain, 80)} operators (${list})`, at);
    else report(st, ONNX_RULES['custom-domain'], `nodes use operators from custom domain ${printable(domain, 80)} (${list})`, at);
  }
  for (const domain of st.declared) {
    if (!STANDARD_DOMAINS.has(domain) && !VENDOR_DOMAINS.has(domain) && !st.used.has(domain)) {
      report(st, ONNX_RULES['custom-opset'], `opset_import declares custom domain ${printable(domain, 80)}`, 0);
    }
  }
}
