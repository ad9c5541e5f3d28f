// Zod schemas of the FMS detector API request bodies. Peers' payloads are parsed leniently (unknown fields are
// dropped, not refused) but every array is capped so that a hostile body cannot make us loop for long.
import { z } from 'zod';

const detectorParams = z.record(z.string(), z.unknown()).nullish();

export function requestSchemas(maxItems: number) {
  const strings = z.array(z.string()).max(maxItems);

  const contentPart = z.object({ type: z.string().optional(), text: z.string().optional() });
  const toolCall = z.object({
    function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
  });
  const message = z.object({
    role: z.string(),
    content: z.union([z.string(), z.array(contentPart).max(maxItems), z.null()]).optional(),
    tool_calls: z.array(toolCall).max(maxItems).nullish(),
  });

  return {
    contents: z.object({ contents: strings, detector_params: detectorParams }),
    generation: z.object({ prompt: z.string(), generated_text: z.string(), detector_params: detectorParams }),
    chat: z.object({
      messages: z.array(message).max(maxItems),
      tools: z.array(z.unknown()).max(maxItems).nullish(),
      detector_params: detectorParams,
    }),
    contextDoc: z.object({
      content: z.string(),
      // The orchestrator sends "docs" | "url"; the published spec says "url" | "chunks" | "document".
      context_type: z.enum(['docs', 'document', 'chunks', 'url']),
      context: strings,
      detector_params: detectorParams,
    }),
  };
}

export type RequestSchemas = ReturnType<typeof requestSchemas>;
export type ChatMessage = z.infer<RequestSchemas['chat']>['messages'][number];
