// The process-wide concept lexicon, compiled once with the same normalisation the detectors apply.
import { analyzeText } from '../../text/analysis.js';
import { CONCEPT_SOURCE, ConceptLexicon } from './concepts.js';
import { tokenize } from './features.js';

let lexicon: ConceptLexicon | undefined;

export function conceptLexicon(): ConceptLexicon {
  lexicon ??= new ConceptLexicon(CONCEPT_SOURCE, (entry) => tokenize(analyzeText(entry).normalized));
  return lexicon;
}
