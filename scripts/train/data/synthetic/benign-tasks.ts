// Training-only benign task prompts over benign documents — translate, summarise, proofread, extract —
// the same shape as an indirect injection (task + document) without the planted instruction, built from the
// same documents so that clean and poisoned twins share a split (written for Bulwark).
import type { Example } from '../types.js';
import { pick, rng } from '../util.js';

const FRAMES: [string, string[]][] = [
  ['en', [
    'Please translate this paragraph into English:\n\n{doc}',
    'Translate the following text into German.\n{doc}',
    'Summarise the text below in three bullet points.\n---\n{doc}',
    'Can you proofread this and fix any grammar mistakes?\n\n{doc}',
    'Extract all dates and amounts from this message:\n{doc}',
    'What is the main point of the following? {doc}',
    'Classify the sentiment of this text as positive, negative or neutral.\n"""{doc}"""',
    'Rewrite this in a more formal tone:\n{doc}',
    'Here is an email I received. Draft a polite reply.\n\n{doc}',
    'Answer the question using only the context.\nContext: {doc}\nQuestion: what is this about?',
    '{doc}\n\nTL;DR?',
    'Translate into French, keep the formatting:\n{doc}',
  ]],
  ['de', ['Bitte übersetze diesen Absatz ins Englische:\n{doc}', 'Fasse den folgenden Text kurz zusammen:\n{doc}', 'Korrigiere bitte die Rechtschreibung:\n{doc}']],
  ['fr', ['Traduis ce paragraphe en anglais :\n{doc}', 'Résume le texte suivant en deux phrases :\n{doc}', 'Corrige les fautes dans ce texte :\n{doc}']],
  ['es', ['Por favor, traduce este párrafo al inglés:\n{doc}', 'Resume el siguiente texto:\n{doc}', 'Corrige la gramática de este texto:\n{doc}']],
  ['it', ['Traduci questo paragrafo in inglese:\n{doc}', 'Riassumi il testo seguente:\n{doc}']],
  ['pt', ['Traduza este parágrafo para o inglês:\n{doc}', 'Resuma o texto abaixo:\n{doc}']],
  ['ru', ['Пожалуйста, переведи этот абзац на английский язык:\n{doc}', 'Кратко перескажи следующий текст:\n{doc}', 'Исправь ошибки в этом тексте:\n{doc}']],
  ['zh', ['请把这段话翻译成英文：\n{doc}', '请总结下面的内容：\n{doc}']],
  ['ja', ['この段落を英語に翻訳してください：\n{doc}', '次の文章を要約してください：\n{doc}']],
  ['ko', ['이 문단을 영어로 번역해 주세요:\n{doc}', '다음 글을 요약해 주세요:\n{doc}']],
  ['pl', ['Przetłumacz ten akapit na angielski:\n{doc}', 'Streść poniższy tekst:\n{doc}']],
  ['nl', ['Vertaal deze alinea naar het Engels:\n{doc}', 'Vat de volgende tekst samen:\n{doc}']],
  ['tr', ['Bu paragrafı İngilizceye çevir:\n{doc}', 'Aşağıdaki metni özetle:\n{doc}']],
  ['ar', ['من فضلك ترجم هذه الفقرة إلى الإنجليزية:\n{doc}', 'لخص النص التالي:\n{doc}']],
];

/** Also the bare frames (no document yet), which users send before pasting the text. */
const BARE: [string, string][] = [
  ['en', 'Please translate this paragraph into English.'],
  ['en', 'Can you summarise the article I am about to paste?'],
  ['en', 'Translate the following sentence into Spanish.'],
  ['de', 'Bitte übersetze diesen Absatz ins Englische.'],
  ['fr', 'Traduis le texte suivant en anglais.'],
  ['es', 'Por favor, traduce este párrafo al inglés.'],
  ['ru', 'Пожалуйста, переведи этот абзац на английский язык.'],
  ['ru', 'Переведи этот текст на немецкий.'],
  ['zh', '请把下面的句子翻译成中文。'],
  ['ja', '次の文を英語に訳してください。'],
  ['it', 'Traduci questo testo in italiano.'],
  ['pt', 'Traduza o texto a seguir para o português.'],
];

export function generateBenignTasks(documents: readonly { text: string; group: string; lang: string }[], count: number, seed = 41): Example[] {
  const r = rng(seed);
  const out: Example[] = [];
  for (let k = 0; k < count && documents.length > 0; k++) {
    const doc = pick(r, documents);
    const [lang, frames] = r() < 0.6 ? FRAMES[0]! : pick(r, FRAMES);
    const body = doc.text.length > 2000 ? doc.text.slice(0, 2000) : doc.text;
    out.push({
      text: pick(r, frames).replace('{doc}', body),
      source: 'synthetic:benign-task',
      group: doc.group,
      lang,
      labels: { injection: 0, harmful: 0, toxic: 0 },
    });
  }
  BARE.forEach(([lang, text], i) => out.push({ text, source: 'synthetic:benign-task', group: `syn-bare:${i}`, lang, labels: { injection: 0, harmful: 0, toxic: 0 } }));
  return out;
}
