// What a model says about itself, for the AI-BOM: Hugging Face `config.json` / diffusers `model_index.json`
// (architecture, family, task), the model card's YAML front matter (licence, datasets, task, base model, language)
// and GGUF `general.*` metadata. All of it is hostile input: bounded reads, lenient parsing, nothing executed.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';

/** What the BOM records about one model; every field optional. */
export interface ModelFacts {
  /** Specific architecture, e.g. `LlamaForCausalLM`. */
  modelArchitecture?: string;
  /** Family, e.g. `llama` (config `model_type`, GGUF `general.architecture`). */
  architectureFamily?: string;
  /** Hugging Face pipeline tag, e.g. `text-generation`. */
  task?: string;
  /** Licence ids or names as written (`apache-2.0`, `llama3.1`, `other`). */
  licenses: string[];
  licenseName?: string;
  licenseUrl?: string;
  datasets: string[];
  baseModels: string[];
  languages: string[];
  tags: string[];
  libraryName?: string;
  /** Name given by the card or GGUF metadata. */
  name?: string;
  /** Other config facts worth keeping: `torch_dtype`, `transformers_version`, … */
  extra: [string, string][];
  /** Problems reading the metadata (unparseable config, front matter). */
  problems: string[];
}

export function emptyFacts(): ModelFacts {
  return { licenses: [], datasets: [], baseModels: [], languages: [], tags: [], extra: [], problems: [] };
}

const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
const MAX_CARD_BYTES = 512 * 1024;
const MAX_STRING = 512;
const MAX_LIST = 64;

/**
 * Hugging Face pipeline tags implied by the head of an architecture name (`…ForCausalLM`), checked in order.
 * Source: transformers' auto-model classes and the Hub's pipeline tags (huggingface.co/tasks).
 */
const TASK_BY_SUFFIX: readonly [string, string][] = [
  ['ForCausalLM', 'text-generation'],
  ['LMHeadModel', 'text-generation'],
  ['ForSeq2SeqLM', 'text2text-generation'],
  ['ForMaskedLM', 'fill-mask'],
  ['ForSequenceClassification', 'text-classification'],
  ['ForTokenClassification', 'token-classification'],
  ['ForQuestionAnswering', 'question-answering'],
  ['ForMultipleChoice', 'multiple-choice'],
  ['ForImageClassification', 'image-classification'],
  ['ForObjectDetection', 'object-detection'],
  ['ForSemanticSegmentation', 'image-segmentation'],
  ['ForInstanceSegmentation', 'image-segmentation'],
  ['ForUniversalSegmentation', 'image-segmentation'],
  ['ForDepthEstimation', 'depth-estimation'],
  ['ForCTC', 'automatic-speech-recognition'],
  ['ForSpeechSeq2Seq', 'automatic-speech-recognition'],
  ['ForAudioClassification', 'audio-classification'],
  ['ForTextToSpeech', 'text-to-speech'],
  ['ForTextToWaveform', 'text-to-speech'],
  ['ForVision2Seq', 'image-text-to-text'],
  ['ForImageTextToText', 'image-text-to-text'],
  ['ForConditionalGeneration', 'text2text-generation'],
];

/** `…ForConditionalGeneration` means different tasks by family. */
const CONDITIONAL_GENERATION_BY_TYPE: Readonly<Record<string, string>> = {
  whisper: 'automatic-speech-recognition',
  speech_to_text: 'automatic-speech-recognition',
  seamless_m4t: 'translation',
  marian: 'translation',
  llava: 'image-text-to-text',
  llava_next: 'image-text-to-text',
  llava_onevision: 'image-text-to-text',
  qwen2_vl: 'image-text-to-text',
  qwen2_5_vl: 'image-text-to-text',
  paligemma: 'image-text-to-text',
  idefics2: 'image-text-to-text',
  idefics3: 'image-text-to-text',
  mllama: 'image-text-to-text',
  gemma3: 'image-text-to-text',
  blip: 'image-to-text',
  'blip-2': 'image-text-to-text',
  pix2struct: 'image-to-text',
  musicgen: 'text-to-audio',
};

/** The task an architecture name implies, if any. */
export function taskFromArchitecture(architecture: string, modelType?: string): string | undefined {
  for (const [suffix, task] of TASK_BY_SUFFIX) {
    if (!architecture.endsWith(suffix)) continue;
    if (suffix === 'ForConditionalGeneration' && modelType !== undefined) return CONDITIONAL_GENERATION_BY_TYPE[modelType] ?? task;
    return task;
  }
  if (/^[A-Za-z0-9]+Model$/.test(architecture) && !architecture.endsWith('PreTrainedModel')) return 'feature-extraction';
  return undefined;
}

/** Reads `config.json` (transformers) or `model_index.json` / component configs (diffusers) into `facts`. */
export async function readConfig(path: string, facts: ModelFacts): Promise<void> {
  const json = await readJson(path, facts);
  if (json === undefined) return;
  const archs = stringList(json.architectures);
  const modelType = str(json.model_type);
  if (modelType) facts.architectureFamily ??= modelType;
  if (archs.length > 0) facts.modelArchitecture ??= archs.join(', ');
  else {
    const cls = str(json._class_name);
    if (cls) facts.modelArchitecture ??= cls;
  }
  if (facts.task === undefined) {
    for (const a of archs) {
      const task = taskFromArchitecture(a, modelType);
      if (task) {
        facts.task = task;
        break;
      }
    }
  }
  for (const key of ['torch_dtype', 'transformers_version', '_diffusers_version', 'quantization_config.quant_method']) {
    const [head, tail] = key.split('.') as [string, string | undefined];
    const v = tail === undefined ? json[head] : (json[head] as Record<string, unknown> | undefined)?.[tail];
    const s = typeof v === 'string' || typeof v === 'number' ? String(v).slice(0, MAX_STRING) : undefined;
    if (s !== undefined) facts.extra.push([key, s]);
  }
}

/** Reads the YAML front matter of a model card (README.md) into `facts`. */
export async function readModelCard(path: string, facts: ModelFacts): Promise<void> {
  const head = await readHead(path, MAX_CARD_BYTES);
  if (head === undefined) return;
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(\r?\n|$)/.exec(text);
  if (!m) return;
  let card: unknown;
  try {
    card = parseYaml(m[1] as string, { maxAliasCount: 50, schema: 'core', uniqueKeys: false });
  } catch (e) {
    facts.problems.push(`model card front matter is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    return;
  }
  if (card === null || typeof card !== 'object' || Array.isArray(card)) return;
  const c = card as Record<string, unknown>;
  facts.licenses.push(...stringList(c.license));
  const licenseName = str(c.license_name);
  if (licenseName) facts.licenseName = licenseName;
  const licenseLink = str(c.license_link);
  if (licenseLink && /^https?:\/\/[^\s]+$/.test(licenseLink)) facts.licenseUrl = licenseLink;
  facts.datasets.push(...stringList(c.datasets));
  facts.baseModels.push(...stringList(c.base_model));
  facts.languages.push(...stringList(c.language));
  facts.tags.push(...stringList(c.tags));
  const task = str(c.pipeline_tag);
  if (task) facts.task = task; // the card's own statement beats what the architecture suggests
  const lib = str(c.library_name);
  if (lib) facts.libraryName = lib;
  const index = Array.isArray(c['model-index']) ? (c['model-index'][0] as Record<string, unknown> | undefined) : undefined;
  const name = str(c.model_name) ?? str(index?.name);
  if (name) facts.name = name;
}

const GGUF_MAGIC = 'GGUF';
const GGUF_HEAD_BYTES = 1024 * 1024;
/** GGUF value types (ggml/docs/gguf.md): 0 u8 … 12 f64; 8 string, 9 array. */
const GGUF_SCALAR_SIZE: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/**
 * Reads the `general.*` metadata at the start of a GGUF file (architecture, name, licence, base models) from its
 * first MiB; stops quietly at the first key that does not fit or makes no sense.
 */
export async function readGgufMetadata(path: string, facts: ModelFacts): Promise<void> {
  const b = await readHead(path, GGUF_HEAD_BYTES);
  if (!b || b.length < 24 || b.toString('latin1', 0, 4) !== GGUF_MAGIC) return;
  const version = b.readUInt32LE(4);
  if (version < 2 || version > 3) return;
  const kvCount = b.readBigUInt64LE(16);
  let pos = 24;
  const values = new Map<string, string | string[]>();
  for (let i = 0n; i < kvCount && i < 4096n; i++) {
    const key = readGgufString(b, pos);
    if (!key) break;
    pos = key.next;
    if (pos + 4 > b.length) break;
    const type = b.readUInt32LE(pos);
    pos += 4;
    const value = readGgufValue(b, pos, type, key.value.startsWith('general.'));
    if (!value) break;
    if (value.value !== undefined) values.set(key.value, value.value);
    pos = value.next;
  }
  const get = (k: string) => {
    const v = values.get(k);
    return typeof v === 'string' && v !== '' ? v.slice(0, MAX_STRING) : undefined;
  };
  const arch = get('general.architecture');
  if (arch) facts.architectureFamily ??= arch;
  const name = get('general.name') ?? get('general.basename');
  if (name) facts.name ??= name;
  const license = get('general.license');
  if (license && facts.licenses.length === 0) facts.licenses.push(license);
  for (let i = 0; i < MAX_LIST; i++) {
    const base = get(`general.base_model.${i}.repo_url`) ?? get(`general.base_model.${i}.name`);
    if (!base) break;
    facts.baseModels.push(base);
  }
  const size = get('general.size_label');
  if (size) facts.extra.push(['gguf.size_label', size]);
  const fileType = values.get('general.file_type');
  if (typeof fileType === 'string') facts.extra.push(['gguf.file_type', fileType]);
}

function readGgufString(b: Buffer, pos: number): { value: string; next: number } | undefined {
  if (pos + 8 > b.length) return undefined;
  const len = b.readBigUInt64LE(pos);
  if (len > BigInt(b.length - pos - 8)) return undefined;
  const end = pos + 8 + Number(len);
  return { value: b.toString('utf8', pos + 8, end), next: end };
}

/** A value's end, and the value itself when it is a string or a number we keep. */
function readGgufValue(b: Buffer, pos: number, type: number, keep: boolean): { value?: string; next: number } | undefined {
  const scalar = GGUF_SCALAR_SIZE[type];
  if (scalar !== undefined) {
    if (pos + scalar > b.length) return undefined;
    const value = keep && type === 4 ? String(b.readUInt32LE(pos)) : undefined;
    return value === undefined ? { next: pos + scalar } : { value, next: pos + scalar };
  }
  if (type === 8) {
    const s = readGgufString(b, pos);
    return s && (keep ? { value: s.value, next: s.next } : { next: s.next });
  }
  if (type === 9) {
    if (pos + 12 > b.length) return undefined;
    const itemType = b.readUInt32LE(pos);
    const n = b.readBigUInt64LE(pos + 4);
    let p = pos + 12;
    const itemSize = GGUF_SCALAR_SIZE[itemType];
    if (itemSize !== undefined) {
      const bytes = n * BigInt(itemSize);
      return bytes > BigInt(b.length - p) ? undefined : { next: p + Number(bytes) };
    }
    if (itemType !== 8 || n > BigInt(b.length)) return undefined;
    for (let i = 0n; i < n; i++) {
      const s = readGgufString(b, p);
      if (!s) return undefined;
      p = s.next;
    }
    return { next: p };
  }
  return undefined;
}

async function readJson(path: string, facts: ModelFacts): Promise<Record<string, unknown> | undefined> {
  const buf = await readHead(path, MAX_CONFIG_BYTES + 1);
  if (buf === undefined) return undefined;
  const name = path.split(/[\\/]/).pop() ?? path;
  if (buf.length > MAX_CONFIG_BYTES) {
    facts.problems.push(`${name} is larger than ${MAX_CONFIG_BYTES} bytes; not read`);
    return undefined;
  }
  try {
    const json: unknown = JSON.parse(buf.toString('utf8').replace(/^\uFEFF/, ''));
    if (json !== null && typeof json === 'object' && !Array.isArray(json)) return json as Record<string, unknown>;
    facts.problems.push(`${name} is not a JSON object`);
  } catch {
    facts.problems.push(`${name} is not valid JSON`);
  }
  return undefined;
}

/** The first `max` bytes of a regular file; undefined when it cannot be read. */
async function readHead(path: string, max: number): Promise<Buffer | undefined> {
  let fh;
  try {
    // Non-blocking open: a FIFO named config.json must not hang us; fstat then refuses it.
    fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = await fh.stat();
    if (!st.isFile()) return undefined;
    const buf = Buffer.alloc(Math.min(max, st.size));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } catch {
    return undefined;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, MAX_STRING) : undefined;
}

/** A string or a list of strings (numbers accepted), capped. */
function stringList(v: unknown): string[] {
  const items = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const item of items.slice(0, MAX_LIST)) {
    const s = typeof item === 'number' ? String(item) : str(item);
    if (s !== undefined) out.push(s);
  }
  return out;
}
