// The OpenTelemetry semantic-conventions version Bulwark's spans and log records follow, and the names it uses.
// Written out here (not imported from @opentelemetry/semantic-conventions): the GenAI names are "Development"
// status and move between releases, so what we emit is pinned to one release rather than to a package version.

/**
 * open-telemetry/semantic-conventions v1.41.0: the last release that carries the GenAI conventions (later ones
 * moved to open-telemetry/semantic-conventions-genai). Has the v1.37.0 renames (`gen_ai.provider.name`,
 * `gen_ai.usage.input_tokens` / `output_tokens`) and the `gen_ai.evaluation.result` event.
 */
export const GENAI_SEMCONV_VERSION = '1.41.0';
export const SCHEMA_URL = `https://opentelemetry.io/schemas/${GENAI_SEMCONV_VERSION}`;

export const ATTR = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestStream: 'gen_ai.request.stream',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  evaluationName: 'gen_ai.evaluation.name',
  evaluationScoreValue: 'gen_ai.evaluation.score.value',
  evaluationScoreLabel: 'gen_ai.evaluation.score.label',
  evaluationExplanation: 'gen_ai.evaluation.explanation',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  errorType: 'error.type',
  httpRoute: 'http.route',
  httpResponseStatusCode: 'http.response.status_code',
  serviceName: 'service.name',
  serviceVersion: 'service.version',
  hostName: 'host.name',
} as const;

/**
 * Guardrail results are span events named `gen_ai.evaluation.result`: the one released GenAI event that carries a
 * verdict about the operation's content (name, score, label, explanation). The guardrail drafts
 * (`gen_ai.guardrail.result`, `gen_ai.guardrail.security.finding`) exist only as unmerged proposals in
 * semantic-conventions-genai; Bulwark's own detail (action, stage, taxonomy ids) goes under `bulwark.*`.
 */
export const EVENT_EVALUATION_RESULT = 'gen_ai.evaluation.result';

/** `gen_ai.provider.name` well-known values (v1.41.0); anything else is reported as given. */
export const GENAI_PROVIDERS = [
  'openai', 'anthropic', 'aws.bedrock', 'azure.ai.inference', 'azure.ai.openai', 'gcp.gen_ai', 'gcp.vertex_ai',
  'gcp.gemini', 'cohere', 'ibm.watsonx.ai', 'perplexity', 'x_ai', 'deepseek', 'groq', 'mistral_ai',
] as const;
