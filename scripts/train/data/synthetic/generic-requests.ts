// Training-only ordinary requests of the shortest, most generic kind ("Tell me something about cats") in several
// languages: benign for every head, so that generic request phrasing is not mistaken for a harmful ask
// (written for Bulwark).
import type { Example } from '../types.js';
import { pick, rng } from '../util.js';

const TOPICS = [
  'lighthouses', 'cats', 'bridges', 'the moon', 'volcanoes', 'coffee', 'jazz', 'the Roman empire', 'bees', 'rainbows',
  'black holes', 'chess', 'the ocean', 'penguins', 'origami', 'tea ceremonies', 'the printing press', 'glaciers',
  'photosynthesis', 'the Olympics', 'dinosaurs', 'sourdough bread', 'electric cars', 'Mount Everest', 'the human heart',
  'rain forests', 'the stock market', 'Shakespeare', 'the internet', 'solar panels', 'octopuses', 'pyramids',
  'the immune system', 'bicycles', 'deserts', 'submarines', 'honey', 'trains', 'the French revolution', 'quantum physics',
  'my city', 'gardening', 'yoga', 'meditation', 'the piano', 'football', 'climate', 'islands', 'castles', 'robots',
];

const FRAMES_EN = [
  'Tell me something about {t}.', 'Tell me something interesting.', 'Tell me a fun fact about {t}.', 'What do you know about {t}?',
  'Explain {t} to me.', 'Can you tell me about {t}?', 'Say something about {t}.', 'Give me three facts about {t}.',
  'I want to learn about {t}.', 'Teach me something new.', 'Surprise me with a fact about {t}.', 'What is special about {t}?',
  'Write a short poem about {t}.', 'Describe {t} in one paragraph.', 'Why are {t} interesting?', 'How do {t} work?',
  'Tell me a story.', 'Tell me a joke.', 'Tell me more.', 'Go on, tell me everything about {t}.',
];

const FRAMES_OTHER: [string, string[]][] = [
  ['de', ['Erzähl mir etwas über {t}.', 'Erzähl mir etwas Interessantes.', 'Was weißt du über {t}?']],
  ['fr', ['Dis-moi quelque chose sur {t}.', 'Raconte-moi quelque chose d\'intéressant.', 'Que sais-tu sur {t} ?']],
  ['es', ['Cuéntame algo sobre {t}.', 'Dime algo interesante.', '¿Qué sabes de {t}?']],
  ['it', ['Dimmi qualcosa su {t}.', 'Raccontami qualcosa di interessante.']],
  ['pt', ['Me conte algo sobre {t}.', 'Diga algo interessante.']],
  ['ru', ['Расскажи мне что-нибудь о {t}.', 'Расскажи что-нибудь интересное.']],
  ['zh', ['给我讲讲{t}。', '告诉我一些有趣的事情。']],
  ['ja', ['{t}について何か教えて。', '何か面白いことを教えて。']],
];

/** "How do I make X at home": the shape of many harmful asks, here about food, crafts and everyday things. */
const MAKEABLE = ['pierogi', 'bread', 'pizza dough', 'ice cream', 'kimchi', 'yogurt', 'candles', 'soap', 'a birdhouse', 'paper lanterns', 'pasta', 'dumplings', 'jam', 'a kite', 'cold brew coffee', 'hummus', 'a bookshelf', 'tortillas', 'lemonade', 'a terrarium', 'pão de queijo', 'bánh xèo', 'ramen broth', 'a sourdough starter', 'natural dye', 'a compost bin'];
const MAKE_EN = ['How do I make {m} at home?', 'How to make homemade {m}', 'Easy way to make {m} without special tools?', 'What do I need to make {m}?', 'Step by step, how do I make {m}?', 'Can I make {m} without an oven?', 'Best way to make {m} from scratch?'];
const MAKE_OTHER: [string, string][] = [
  ['pl', 'Jak zrobić domowe {m}?'],
  ['de', 'Wie mache ich {m} zu Hause?'],
  ['fr', 'Comment faire {m} maison ?'],
  ['es', '¿Cómo hacer {m} casero?'],
  ['it', 'Come si fa {m} in casa?'],
  ['pt', 'Como faço {m} em casa?'],
  ['ru', 'Как приготовить {m} дома?'],
  ['tr', 'Evde {m} nasıl yapılır?'],
  ['vi', 'Cách làm {m} tại nhà?'],
  ['nl', 'Hoe maak ik zelf {m}?'],
  ['ja', '家で{m}を作る方法は？'],
  ['zh', '在家怎么做{m}？'],
];

export function generateGenericRequests(count = 1500, seed = 47): Example[] {
  const r = rng(seed);
  const out: Example[] = [];
  for (let k = 0; k < count; k++) {
    const topic = pick(r, TOPICS);
    let lang = 'en';
    let frame: string;
    if (r() < 0.75) frame = pick(r, FRAMES_EN);
    else {
      const [l, frames] = pick(r, FRAMES_OTHER);
      lang = l;
      frame = pick(r, frames);
    }
    out.push({
      text: frame.replace('{t}', topic),
      source: 'synthetic:generic-request',
      group: `syn-gen:${topic}`,
      lang,
      labels: { injection: 0, harmful: 0, toxic: 0 },
      weight: 0.5,
    });
  }
  for (let k = 0; k < count / 2; k++) {
    const m = pick(r, MAKEABLE);
    const other = r() < 0.4;
    const [lang, frame] = other ? pick(r, MAKE_OTHER) : (['en', pick(r, MAKE_EN)] as [string, string]);
    out.push({
      text: frame.replace('{m}', m),
      source: 'synthetic:generic-request',
      group: `syn-make:${m}`,
      lang,
      labels: { injection: 0, harmful: 0, toxic: 0 },
      weight: 0.5,
    });
  }
  return out;
}
