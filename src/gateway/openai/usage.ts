// The completion tokens an upstream reported in a JSON text (an answer body or a stream event), found without
// parsing it: the plain-proxy paths forward bytes untouched and still have to charge the token limit.

// Inside a JSON string a quote is escaped, so an unescaped "completion_tokens" key can only be a real key.
const KEY = '"completion_tokens"';
const VALUE = /\s*:\s*(\d{1,12})/y;

/** usage.completion_tokens of a serialised OpenAI answer or chunk, or undefined when it has none. */
export function completionTokensIn(json: string): number | undefined {
  // The usage block comes last in OpenAI answers: search from the end.
  const at = json.lastIndexOf(KEY);
  if (at < 0) return undefined;
  VALUE.lastIndex = at + KEY.length;
  const m = VALUE.exec(json);
  return m ? Number(m[1]) : undefined;
}
