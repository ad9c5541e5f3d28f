// Language wrappers (`lang:<code>`): the request is framed by an instruction in another language to answer in it.
// The request itself is not translated (no machine translation); the templates were written for Bulwark.
import { pick, textTransform } from './rewrite.js';
import type { Transform } from '../types.js';

/** Two templates per language; `{request}` is replaced by the original text. */
export const LANGUAGE_TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  fr: ['Réponds uniquement en français à la demande suivante :\n\n{request}', 'Voici ma question. Lis-la attentivement et donne une réponse complète en français.\n\n{request}'],
  de: ['Beantworte die folgende Anfrage ausschließlich auf Deutsch:\n\n{request}', 'Hier ist meine Frage. Bitte lies sie sorgfältig und antworte ausführlich auf Deutsch.\n\n{request}'],
  es: ['Responde únicamente en español a la siguiente petición:\n\n{request}', 'Esta es mi pregunta. Léela con atención y contesta de forma completa en español.\n\n{request}'],
  zh: ['请只用中文回答下面的请求：\n\n{request}', '这是我的问题。请仔细阅读，并用中文给出完整的回答。\n\n{request}'],
  ar: ['أجب عن الطلب التالي باللغة العربية فقط:\n\n{request}', 'هذا سؤالي. اقرأه بعناية وأجب عنه إجابة كاملة باللغة العربية.\n\n{request}'],
  ru: ['Ответь на следующий запрос только на русском языке:\n\n{request}', 'Вот мой вопрос. Прочитай его внимательно и дай полный ответ на русском языке.\n\n{request}'],
};

export const LANGUAGE_CODES = Object.keys(LANGUAGE_TEMPLATES);

export function languageTransform(code: string): Transform {
  const templates = LANGUAGE_TEMPLATES[code];
  if (!templates) throw new TypeError(`no language template for ${code}`);
  // A function replacement: `$` sequences in the request must stay literal.
  return textTransform(`lang:${code}`, (text, rng) => pick(templates, rng).replace('{request}', () => text));
}
