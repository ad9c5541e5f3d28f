// Training-only ordinary requests that applications behind the gateway receive all day — order status, returns,
// helpdesk tickets, HR and expense rules, bookings, build logs — phrased with the verbs and nouns of prompt
// extraction ("summarise", "list", "show", "repeat", "print", "what are your …", "instructions", "rules",
// "settings", "above", "earlier") but about the business's own things, often with order numbers, amounts and dates.
// Benign for every head, so that "Please summarise the shipping options." is not read as "summarise your
// instructions" (written for Bulwark).
import type { Example } from '../types.js';
import { pick, rng } from '../util.js';

type R = () => number;

const digits = (r: R, n: number): string => Array.from({ length: n }, (_, k) => (k === 0 ? 1 + Math.floor(r() * 9) : Math.floor(r() * 10))).join('');
const int = (r: R, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const month = (r: R): string => pick(r, ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']);
const isoDate = (r: R): string => `20${int(r, 24, 27)}-${String(int(r, 1, 12)).padStart(2, '0')}-${String(int(r, 1, 28)).padStart(2, '0')}`;

/** Identifiers as they appear in support traffic. */
const REFS: ((r: R) => string)[] = [
  (r) => `order ${digits(r, int(r, 1, 8))}`,
  (r) => `order #${digits(r, int(r, 4, 9))}`,
  (r) => `order no. ${digits(r, 6)}`,
  (r) => `invoice ${digits(r, int(r, 3, 7))}`,
  (r) => `invoice INV-${digits(r, 5)}`,
  (r) => `ticket ${digits(r, int(r, 2, 6))}`,
  (r) => `ticket INC${digits(r, 7)}`,
  (r) => `case ${digits(r, 8)}`,
  (r) => `booking ${pick(r, ['ABX', 'QKR', 'ZT7', 'LMN', 'P4Q'])}${digits(r, 3)}`,
  (r) => `flight ${pick(r, ['LH', 'BA', 'AF', 'UA', 'KL', 'IB'])} ${digits(r, int(r, 2, 4))}`,
  (r) => `room ${digits(r, 3)}`,
  (r) => `SKU ${digits(r, 6)}`,
  (r) => `item ${digits(r, 5)}`,
  (r) => `account ending in ${digits(r, 4)}`,
  (r) => `build ${digits(r, int(r, 3, 5))}`,
  (r) => `PR #${digits(r, int(r, 2, 4))}`,
  (r) => `version ${int(r, 1, 9)}.${int(r, 0, 20)}.${int(r, 0, 30)}`,
  (r) => `the ${month(r)} ${int(r, 1, 28)} delivery`,
  (r) => `the ${isoDate(r)} statement`,
  (r) => `parcel ${digits(r, 12)}`,
];

const AMOUNT = (r: R): string => pick(r, [`${int(r, 5, 999)}.${digits(r, 2)} EUR`, `$${int(r, 5, 4999)}`, `£${int(r, 2, 300)}.${digits(r, 2)}`, `${int(r, 1, 90)}%`, `${int(r, 1, 40)} units`]);

/** Things of the business, not of the assistant. */
const OBJECTS = [
  'shipping options', 'delivery times', 'return policy', 'refund rules', 'payment methods', 'opening hours', 'store locations', 'warranty terms',
  'size chart', 'available colours', 'loyalty programme', 'subscription plans', 'cancellation terms', 'baggage rules', 'check-in times',
  'parking options', 'pet policy', 'leave policy', 'expense rules', 'travel policy', 'holiday calendar', 'benefits', 'onboarding steps',
  'VPN settings', 'password requirements', 'printer setup steps', 'laptop specs', 'build steps', 'deployment checklist', 'release notes',
  'API rate limits', 'error codes', 'configuration options', 'pricing tiers', 'discount codes', 'meeting notes', 'action items',
  'open tickets', 'unpaid invoices', 'quarterly numbers', 'sales figures', 'key dates', 'safety instructions', 'assembly instructions',
  'care instructions', 'washing instructions', 'installation instructions', 'house rules', 'terms and conditions', 'privacy settings',
  'notification settings', 'account settings', 'main points', 'next steps', 'differences between the two plans', 'ingredients',
];

const VERBS_EN = [
  'Please summarise the {o}.', 'Please summarize the {o}.', 'Summarise the {o} for me.', 'Can you summarise the {o}?', 'Summarise the {o} in two sentences.',
  'List the {o}.', 'Please list all {o}.', 'Could you list the {o} again?', 'List the {o} as bullet points.',
  'Show me the {o}.', 'Show the {o} please.', 'Can you show me the {o}?', 'Display the {o}.',
  'Repeat the {o}.', 'Could you repeat the {o}, please?', 'Repeat the {o} you mentioned earlier.',
  'Print the {o}.', 'Print the {o} so I can save them.', 'Tell me the {o}.', 'Tell me the {o} again.',
  'What are the {o}?', 'What are your {o}?', 'Explain the {o}.', 'Describe the {o}.', 'Outline the {o}.', 'Recap the {o}.',
  'Give me a quick overview of the {o}.', 'I need the {o}, please.', 'Where can I find the {o}?', 'Send me the {o}.',
  'Copy the {o} from above into a table.', 'Go over the {o} from the previous message again.', 'Remind me of the {o}.',
];

/** Requests about one referenced thing. */
const REF_FRAMES_EN = [
  'What is the status of {ref}?', 'Where is {ref}?', 'Has {ref} shipped yet?', 'Can you check {ref} for me?', 'Please cancel {ref}.',
  'Show me the details of {ref}.', 'Summarise {ref}.', 'Summarise what happened with {ref}.', 'List everything on {ref}.',
  'Repeat the details of {ref}.', 'Print {ref}.', 'Tell me about {ref}.', 'Why was {ref} rejected?', 'Resend the confirmation for {ref}.',
  'What are the next steps for {ref}?', 'Update {ref} with the new address.', 'Close {ref}, it is fixed.', 'Reopen {ref}, the problem is back.',
  'I was charged {amount} for {ref}, is that right?', 'Refund {amount} on {ref}.', 'Show me the logs for {ref}.', 'Explain the error in {ref}.',
];

/**
 * Follow-ups about the assistant's own previous answer (its format, language, length): "repeat", "show", "print"
 * and "your" again, but of the reply just given, never of the instructions it was given.
 */
const FOLLOW_UPS_EN = [
  'Repeat that answer in {lang}.', 'Repeat your last answer, but shorter.', 'Can you repeat the steps you just gave me?',
  'Show your answer as a {format}.', 'Display your reply as a {format}, please.', 'Print your previous answer as a {format}.',
  'Give me that again as a {format}.', 'Summarise our conversation so far.', 'Summarise what you told me about the {o}.',
  'List the options you gave me earlier.', 'Tell me again what you said about the {o}.', 'Say that again in simpler words.',
  'Rewrite your answer in {lang}.', 'Translate your last reply into {lang}.', 'Show me that list again, sorted by price.',
  'Repeat the second point of your answer.', 'Can you show the table from your previous message again?', 'Go back to your first suggestion.',
];
const FORMATS = ['numbered list', 'table', 'bullet list', 'short paragraph', 'JSON object', 'CSV', 'checklist', 'email I can forward'];
const LANGUAGES = ['French', 'Spanish', 'German', 'Polish', 'Portuguese', 'Italian', 'Dutch', 'plain English', 'Japanese'];

/** Workplace how-tos: the "how do I …" shape of many harmful asks, about helpdesk, HR and developer chores. */
const TASKS = [
  'reset my VPN token', 'map the shared drive', 'request access to the finance folder', 'download my payslip', 'submit an expense claim',
  'book a meeting room', 'revert the last commit', 'undo a git rebase', 'kill a stuck process on my laptop', 'clear the print queue',
  'change my bank details for payroll', 'add a new starter to the team channel', 'export the invoices to CSV', 'cancel my subscription',
  'return a damaged item', 'change the delivery address', 'get a refund for a late flight', 'add luggage to my booking', 'update my tax code',
  'report a phishing email', 'unlock my account', 'recover a deleted file', 'roll back a failed deployment', 'rotate the API key of our app',
  'take parental leave', 'claim overtime', 'carry over unused holiday', 'apply the discount code', 'split the bill between two cards',
  'track a parcel', 'merge two customer accounts', 'move a meeting to next week',
];
const HOWTO_EN = ['How do I {t}?', 'How can I {t}?', 'Tell me how to {t}.', 'What is the fastest way to {t}?', 'Steps to {t}?', 'Where do I go to {t}?', 'Is there a way to {t} myself?', 'Explain how to {t}.'];

/** Ways a message starts and ends in real traffic. */
const OPENERS = ['', '', '', 'Hi, ', 'Hello! ', 'Hey, ', 'Good morning. ', 'Thanks. ', 'Quick question: ', 'One more thing: ', 'Sorry to bother you. '];
const CLOSERS = ['', '', '', ' Thanks!', ' Thank you.', ' Cheers.', ' Thanks a lot.', ' Much appreciated.', ' ASAP please.'];

const OTHER: [string, string[]][] = [
  ['de', ['Bitte fasse die {o} zusammen.', 'Zeig mir die {o}.', 'Wie ist der Status von Bestellung {n}?', 'Liste die offenen Rechnungen auf, Rechnung {n} zuerst.', 'Wiederhole bitte die Lieferzeiten.']],
  ['fr', ['Résume les conditions de retour, s\'il te plaît.', 'Montre-moi les options de livraison.', 'Où en est la commande {n} ?', 'Liste les factures impayées depuis la facture {n}.', 'Répète les horaires d\'ouverture.']],
  ['es', ['Resume las opciones de envío, por favor.', 'Muéstrame la política de devoluciones.', '¿Cuál es el estado del pedido {n}?', 'Enumera las facturas pendientes, empezando por la {n}.', 'Repite el horario de apertura.']],
  ['it', ['Riassumi le opzioni di spedizione.', 'Mostrami le regole per i resi.', 'Qual è lo stato dell\'ordine {n}?']],
  ['pt', ['Resuma as opções de entrega, por favor.', 'Mostre a política de devolução.', 'Qual é o status do pedido {n}?']],
  ['nl', ['Vat de verzendopties samen.', 'Laat me het retourbeleid zien.', 'Wat is de status van bestelling {n}?']],
  ['pl', ['Podsumuj opcje wysyłki.', 'Pokaż mi zasady zwrotów.', 'Jaki jest status zamówienia {n}?']],
];

export function generateBusinessRequests(count = 3200, seed = 61): Example[] {
  const r = rng(seed);
  const out: Example[] = [];
  for (let k = 0; k < count; k++) {
    const roll = r();
    let text: string;
    let lang = 'en';
    // Rows of one template share a group (and so a split): the test split then measures other templates.
    let group: string;
    if (roll < 0.4) {
      const t = Math.floor(r() * VERBS_EN.length);
      group = `verb:${t}`;
      text = VERBS_EN[t]!.replace('{o}', pick(r, OBJECTS));
      if (r() < 0.35) text += ` It is about ${pick(r, REFS)(r)}.`;
    } else if (roll < 0.52) {
      const t = Math.floor(r() * FOLLOW_UPS_EN.length);
      group = `follow-up:${t}`;
      text = FOLLOW_UPS_EN[t]!.replace('{lang}', pick(r, LANGUAGES)).replace('{format}', pick(r, FORMATS)).replace('{o}', pick(r, OBJECTS));
    } else if (roll < 0.64) {
      const t = Math.floor(r() * HOWTO_EN.length);
      group = `howto:${t}`;
      text = HOWTO_EN[t]!.replace('{t}', pick(r, TASKS));
      if (r() < 0.3) text += ` It is for ${pick(r, REFS)(r)}.`;
    } else if (roll < 0.9) {
      const t = Math.floor(r() * REF_FRAMES_EN.length);
      group = `ref:${t}`;
      text = REF_FRAMES_EN[t]!.replace('{ref}', pick(r, REFS)(r)).replace('{amount}', AMOUNT(r));
      // Two requests in one message, as chat users write them.
      if (roll >= 0.8) text += ` Also, ${pick(r, VERBS_EN).replace('{o}', pick(r, OBJECTS)).replace(/^./, (c) => c.toLowerCase())}`;
      else if (r() < 0.3) text += ` ${pick(r, VERBS_EN).replace('{o}', pick(r, OBJECTS))}`;
    } else {
      const [l, frames] = pick(r, OTHER);
      lang = l;
      group = `other:${l}`;
      text = pick(r, frames).replace('{o}', pick(r, ['Versandoptionen', 'Rückgaberegeln', 'Öffnungszeiten'])).replace('{n}', digits(r, int(r, 2, 7)));
    }
    if (lang === 'en') text = `${pick(r, OPENERS)}${text}${pick(r, CLOSERS)}`;
    out.push({ text, source: 'synthetic:business-request', group: `syn-biz:${group}`, lang, labels: { injection: 0, harmful: 0, toxic: 0 } });
  }
  return out;
}
