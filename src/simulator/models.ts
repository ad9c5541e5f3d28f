// GET /v1/models: the model ids the simulator answers to, serialised once.
import { FAULT_MODELS } from './faults.js';
import { PROFILE_MODELS } from './profiles/registry.js';

/** Embedding model id listed by /v1/models (any model name works for embeddings). */
export const EMBEDDING_MODEL = 'sim-embedding';

export const MODEL_IDS: readonly string[] = [...Object.keys(PROFILE_MODELS), EMBEDDING_MODEL, ...Object.keys(FAULT_MODELS)];

/** A fixed creation time keeps the list byte-identical between runs. */
const CREATED = 1_700_000_000;

function modelJson(id: string): string {
  return JSON.stringify({ id, object: 'model', created: CREATED, owned_by: 'bulwark-simulator' });
}

export const MODEL_LIST_BODY = `{"object":"list","data":[${MODEL_IDS.map(modelJson).join(',')}]}`;

/** The body of GET /v1/models/{id}, or undefined for an unknown id. */
export function modelBody(id: string): string | undefined {
  return MODEL_IDS.includes(id) ? modelJson(id) : undefined;
}
