// Claims of an answer: its sentences minus questions, hedges and meta talk, with lead-ins like "Based on the context," trimmed off.
import type { Span } from '../../core/finding.js';
import { sentenceFeatures, type SentenceFeatures } from './features.js';
import { splitSentences } from './sentences.js';

export interface Claim {
  span: Span;
  features: SentenceFeatures;
}

// Lead-ins that attribute the sentence to the context; the claim is what follows. Bounded repeats
// over disjoint pieces, so these stay linear.
const LEAD_IN =
  /^(?:(?:based on|according to|as (?:stated|mentioned|described|shown|noted) in|from|per|in) (?:the |this |these )?(?:provided |given |above |retrieved |available |supplied )?(?:context|documents?|passages?|sources?|information|text|articles?|excerpts?|data)(?: (?:provided|given|above))?|in (?:summary|short|conclusion|brief)|overall|to summari[sz]e|yes|sure|certainly|of course|indeed|in fact|actually)\s*[,:]\s*/i;

// Whole sentences that talk about the conversation rather than the world.
const META =
  /^(?:i hope (?:this|that|it) helps|hope (?:this|that) helps|let me know\b|feel free\b|if you have (?:any )?(?:other |more |further )?questions|is there anything else|i(?:'m| am) (?:happy|glad) to help|happy to help|great question|good question|thanks? (?:you )?for (?:asking|your question)|as an ai\b|i(?:'m| am) an ai\b|i (?:do not|don't) have (?:access|information|enough information)|i cannot (?:browse|access|verify)|please (?:note|consult|check|verify|let)|here (?:is|are)\b[^.]{0,80}:$|sure[.!]?$|certainly[.!]?$|of course[.!]?$)/i;

// Statements about the documents themselves ("The context does not mention X") are not world claims.
const ABOUT_CONTEXT =
  /\b(?:the )?(?:provided |given )?(?:context|documents?|passages?|sources?|text)\s+(?:does|do|did)\s*(?:not|n['’]t)\s+(?:mention|say|state|provide|contain|specify|include|discuss|cover)/i;

export interface ClaimOptions {
  ignoreShortClaims: boolean;
  maxClaims: number;
}

/** Content words below which a claim without numbers or names is too short to judge. */
export const MIN_CONTENT_WORDS = 4;

export function extractClaims(answer: string, o: ClaimOptions): Claim[] {
  const claims: Claim[] = [];
  // Over-collect sentences: some are dropped as meta; the cap keeps hostile answers bounded.
  for (const s of splitSentences(answer, o.maxClaims * 4)) {
    if (claims.length >= o.maxClaims) break;
    let start = s.start;
    let text = s.text;
    const lead = LEAD_IN.exec(text);
    if (lead) {
      start += lead[0].length;
      text = text.slice(lead[0].length);
    }
    if (text.length === 0 || META.test(text) || ABOUT_CONTEXT.test(text)) continue;
    if (/\?["'”’)]*$/.test(text)) continue;
    const features = sentenceFeatures(text, false);
    const hard = features.numbers.size > 0 || features.entities.length > 0;
    if (features.contentCount === 0) continue;
    if (o.ignoreShortClaims && features.contentCount < MIN_CONTENT_WORDS && !hard) continue;
    claims.push({ span: { start, end: s.end }, features });
  }
  return claims;
}
