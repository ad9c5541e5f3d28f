import { describe, expect, it } from 'vitest';
import { analyzeText } from '../text/analysis.js';
import { toxicityDetector } from './toxicity.js';

const detect = toxicityDetector.create(toxicityDetector.options.parse({}));
const scan = async (text: string) => detect({ text, stage: 'input' }, { analysis: analyzeText(text) });

describe('toxicity', () => {
  it.each(['I hate all immigrants, they are vermin and should be wiped out.', 'You are a worthless idiot and everyone would be better off if you died.'])(
    'flags %s',
    async (text) => {
      const [finding] = await scan(text);
      expect(finding).toBeDefined();
      expect(['hate', 'harassment', 'threat', 'profanity', 'self_harm']).toContain(finding!.category);
    },
  );

  it.each(['Thank you so much for your help, you are wonderful!', 'Immigrants make up a large share of the nursing workforce.', 'The meeting is moved to Thursday.'])(
    'leaves %s alone',
    async (text) => {
      expect(await scan(text)).toEqual([]);
    },
  );
});
