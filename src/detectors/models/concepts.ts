// Concept lexicon: words and short phrases of many languages grouped into classes (concepts.json). The
// featurizer emits one feature per matched class and one per pair of nearby classes, so that weight learnt
// for "ignore … previous … instructions" in English also applies to "zignoruj … poprzednie … polecenia".
import conceptsData from './concepts.json' with { type: 'json' };

/** Hashing shared with the featurizer: FNV-1a over UTF-16 code units. */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;
const SEED_PHRASE = 0x27d4eb2f;
const SEED_PREFIX = 0x165667b1;
const FILTER_BITS = 16;
const FILTER_MASK = (1 << FILTER_BITS) - 1;
/** Stems shorter than this are not allowed as prefixes (too many accidental matches). */
export const MIN_PREFIX = 4;
export const MAX_PREFIX = 12;
/** Longest phrase, in tokens. */
export const MAX_PHRASE_TOKENS = 4;

export function phraseKey(prev: number, token: number): number {
  let h = Math.imul(SEED_PHRASE ^ prev, FNV_PRIME);
  h = Math.imul(h ^ token, FNV_PRIME);
  return (h ^ (h >>> 15)) >>> 0;
}

export function prefixKey(runningHash: number, length: number): number {
  const h = Math.imul(SEED_PREFIX ^ runningHash, FNV_PRIME) ^ length;
  return (h ^ (h >>> 13)) >>> 0;
}

interface ConceptSource {
  classes: Record<string, string[]>;
}

/** A compiled lexicon: exact keys for words and phrases, prefix keys for stems, each with a bit filter. */
export class ConceptLexicon {
  readonly classNames: readonly string[];
  /** Content hash of the source data, recorded in model headers to detect a lexicon changed without retraining. */
  readonly version: string;
  private readonly exact = new Map<number, number[]>();
  private readonly prefixes = new Map<number, number[]>();
  private readonly exactFilter = new Uint8Array(1 << FILTER_BITS);
  private readonly prefixFilter = new Uint8Array(1 << FILTER_BITS);

  /**
   * @param tokenize splits an entry exactly as the featurizer splits text, returning each token's FNV hash
   * (after the same normalisation the detectors apply).
   */
  constructor(source: ConceptSource, tokenize: (entry: string) => { hashes: number[]; text: string[] }) {
    this.classNames = Object.keys(source.classes);
    this.version = contentHash(JSON.stringify(source.classes));
    this.classNames.forEach((name, classId) => {
      for (const raw of source.classes[name]!) {
        const isPrefix = raw.endsWith('*');
        const { hashes, text } = tokenize(isPrefix ? raw.slice(0, -1) : raw);
        if (hashes.length === 0 || hashes.length > MAX_PHRASE_TOKENS) continue;
        if (isPrefix) {
          const stem = text[0]!;
          if (hashes.length !== 1 || stem.length < MIN_PREFIX || stem.length > MAX_PREFIX) continue;
          add(this.prefixes, this.prefixFilter, prefixKey(hashes[0]!, stem.length), classId);
        } else {
          let key = hashes[0]!;
          for (let k = 1; k < hashes.length; k++) key = phraseKey(key, hashes[k]!);
          add(this.exact, this.exactFilter, key >>> 0, classId);
        }
      }
    });
  }

  /** Classes of a word or phrase key, or undefined. */
  exactClasses(key: number): number[] | undefined {
    const k = key >>> 0;
    return this.exactFilter[k & FILTER_MASK] ? this.exact.get(k) : undefined;
  }

  /** Classes of a stem of `length` characters whose running FNV hash is `runningHash`. */
  prefixClasses(runningHash: number, length: number): number[] | undefined {
    const k = prefixKey(runningHash, length);
    return this.prefixFilter[k & FILTER_MASK] ? this.prefixes.get(k) : undefined;
  }
}

function add(map: Map<number, number[]>, filter: Uint8Array, key: number, classId: number): void {
  const list = map.get(key);
  if (list) {
    if (!list.includes(classId)) list.push(classId);
  } else map.set(key, [classId]);
  filter[key & FILTER_MASK] = 1;
}

function contentHash(s: string): string {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return (h >>> 0).toString(16).padStart(8, '0');
}

export const CONCEPT_SOURCE: ConceptSource = conceptsData as ConceptSource;
