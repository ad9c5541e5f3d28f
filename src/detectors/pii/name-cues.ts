// Cue words around a person name ("Dr.", "my name is", "Name:", "Hi", "my wife", "told", "said"), looked up from the
// last one to three words before a token (or the word after it) with set look-ups, so a cue costs the same
// whatever the text around it.

/**
 * 'title': an honorific ("Dr.", "Frau", "Sra."); 'role': a relation or job ("my wife", "CEO"); 'strong': a naming
 * phrase, label or signature ("my name is", "Name:", "Regards,"); 'naming': "named", "called"; 'verb': a verb
 * about people ("told", "married"); 'greeting': "Hi", "Hallo"; 'weak': a hint ("with", "from", "I am").
 */
export type Cue = 'title' | 'role' | 'strong' | 'naming' | 'verb' | 'greeting' | 'weak';

const words = (s: string): string[] => s.split(/\s+/).filter((w) => w !== '');

// Abbreviated honorifics, with or without their full stop ("Dr. Smith", "Dr Smith", "Sra. Pérez").
const TITLE_ABBREVIATIONS = new Set(
  words(`mr mrs ms mx dr prof mme mlle hr dhr mevr sr sra srta sig dott dra avv sgt capt lt rev κα`),
);
// Abbreviations that are titles only with their full stop and a capital ("M. Dupont", "Fr. Brown", "Gen. Lee").
const TITLE_DOTTED = new Set(words(`m fr gen col ing κ`));
// Honorifics that are whole words; those that are also English words must be written with a capital.
const TITLE_WORDS = new Set(
  words(`mister miss madam madame monsieur mademoiselle herr frau fräulein señor señora señorita signor signora
  signorina dottore dottoressa senhor senhora mevrouw meneer heer sayın bayan herra rouva fru fröken reverend sir
  господин госпожа товарищ уважаемый уважаемая κύριος κυρία κύριε pan pani panna don doña dona dame lord lady bay`),
);
const TITLE_NEEDS_CAPITAL = new Set(words('pan don dona dame lord lady bay sir miss'));
// Relations and jobs: "my wife Anna", "CEO Mark Thompson", "producer Liviana Palerma".
const ROLE_CUES = new Set(
  words(`wife husband son daughter mother father mom mum dad brother sister kid child baby friend boss colleague
  coworker neighbour neighbor partner boyfriend girlfriend fiancé fiancée fiance fiancee cousin nephew niece grandson
  granddaughter grandma grandpa grandmother grandfather uncle aunt auntie stepson stepdaughter roommate flatmate
  classmate teacher manager assistant secretary lawyer attorney doctor nurse therapist ceo cfo cto coo founder
  cofounder co-founder chairman chairwoman president senator governor mayor minister chancellor king queen prince
  princess pope captain coach judge officer detective agent professor producer director author actor actress singer
  rapper artist writer poet painter composer journalist reporter tutor mentor landlord landlady tenant
  frau mann sohn tochter mutter vater bruder schwester freund freundin chef kollege kollegin femme mari fils fille
  mère père frère sœur ami amie esposa esposo marido hijo hija madre padre hermano hermana amigo amiga moglie marito
  figlio figlia sorella fratello amica`),
);
const STRONG_CUES = new Set([
  'my name is', "my name's", 'name is', 'names are', 'am called', 'call me', 'dear', 'signed', 'sincerely', 'regards',
  'attn', 'attention', 'yours truly', 'yours sincerely', 'best wishes', 'cheers', 'mit freundlichen grüßen', 'grüße',
  'viele grüße', 'liebe grüße', 'cordialement', 'bien cordialement', 'saludos', 'atentamente', 'un saludo',
  'cordiali saluti', 'distinti saluti', 'saluti', 'met vriendelijke groet', 'groeten', 'pozdrawiam',
  'hälsningar', 'hilsen', 'terveisin', 'atenciosamente', 'abraços', 'уважением', 'меня зовут', 'зовут', 'με λένε',
  'ονομάζομαι', 'ich heiße', "je m'appelle", 'me llamo', 'mi nombre es', 'mi chiamo', 'me chamo', 'meu nome é',
  'mijn naam is', 'ik heet', 'nazywam się', 'jmenuji se', 'benim adım', 'liebe', 'lieber', 'sehr geehrte',
  'sehr geehrter', 'cher', 'chère', 'estimado', 'estimada', 'querido', 'querida', 'caro', 'cara', 'gentile',
  'prezado', 'prezada', 'beste', 'szanowny', 'szanowna', 'drogi', 'droga', 'дорогой', 'дорогая', 'αγαπητέ', 'αγαπητή',
]);
// Strong only before a colon: "Name: ...", "From: ...", "Cardholder: ...".
const LABEL_CUES = new Set([
  'name', 'full name', 'first name', 'last name', 'maiden name', 'family name', 'given name', 'patient name',
  'customer name', 'client name', 'employee name', 'contact name', 'surname', 'signature', 'from', 'to', 'cc', 'bcc',
  'author', 'contact', 'patient', 'employee', 'customer', 'client', 'by', 'recipient', 'sender', 'attendee', 'guest',
  'passenger', 'beneficiary', 'account holder', 'cardholder', 'card holder', 'holder', 'assignee', 'reporter',
  'reviewer', 'approver', 'requester', 'witness', 'applicant', 'tenant', 'emergency contact', 'next of kin',
  'spouse', 'nome', 'nom', 'prénom', 'nombre', 'apellido', 'apellidos', 'cognome', 'naam', 'vorname', 'nachname',
  'von', 'an', 'de', 'para', 'imię', 'nazwisko', 'jméno', 'příjmení', 'имя', 'фамилия', 'όνομα', 'επώνυμο', 'ad',
]);
const NAMING_CUES = new Set(
  words(`named called nicknamed aka alias heißt genannt appelé appelée llamado llamada chiamato chiamata chamado
  chamada`).concat(['known as', 'goes by', 'by the name of', 'по имени', 'the name', 'name of']),
);
const VERB_CUES = new Set(
  words(`said asked told tell ask met meet married marry thanked invited emailed texted messaged hugged kissed
  visited hired fired gave given give sent send contacted phoned helped dated divorced loves loved greeted introduced
  interviewed congratulated paid owe owes promoted replied answered`).concat([
    'according to', 'spoke to', 'spoke with', 'speak to', 'speak with', 'talk to', 'talked to', 'talking to',
    'ask for', 'on behalf of', 'care of', 'starring', 'featuring', 'feat', 'directed by', 'written by',
    'produced by', 'played by', 'painted by', 'composed by', 'performed by', 'sung by', 'founded by', 'created by',
    'signed by', 'approved by', 'reviewed by', 'sent by', 'reported by', 'authored by', 'photographed by',
  ]),
);
const GREETING_CUES = new Set(
  words(`hi hello hey hallo hej hei moi ciao salut bonjour hola olá ola servus moin привет здравствуйте γεια`).concat([
    'good morning', 'good afternoon', 'good evening', 'buongiorno', 'buenos días', 'bom dia', 'guten tag',
  ]),
);
const WEAK_CUES = new Set([
  'i am', "i'm", 'im', 'this is', "it's", 'thanks', 'thank you', 'contact', 'patient', 'employee', 'customer',
  'client', 'applicant', 'student', 'user', 'member', 'from', 'with', 'by', 'to', 'cc', 'and', 'or', 'email', 'call',
  'for', 'ich bin', 'je suis', 'soy', 'sono', 'sou', 'ik ben', 'jestem', 'я', 'είμαι',
]);

const OBJECT_PRONOUNS = new Set(words('him her them me us it'));
// Sign-offs: a name on the line after "Thanks," or "Best," is the writer's.
const SIGN_OFFS = new Set(['thanks', 'thank you', 'many thanks', 'best', 'warmly', 'love', 'cordially', 'respectfully', 'talk soon', 'take care']);

const ALL_CUES: readonly ReadonlySet<string>[] = [
  SIGN_OFFS, TITLE_ABBREVIATIONS, TITLE_DOTTED, TITLE_WORDS, ROLE_CUES, STRONG_CUES, LABEL_CUES, NAMING_CUES, VERB_CUES,
  GREETING_CUES, WEAK_CUES,
];
// Last words of the cue phrases: a quick "no" for most tokens before any phrase is assembled.
const CUE_LAST_WORDS = new Set(ALL_CUES.flatMap((set) => [...set].map((phrase) => phrase.slice(phrase.lastIndexOf(' ') + 1))));

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isCueLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 39 || c === 0x2019 || c === 45 || c > 0xbf;
}

/** The word ending at `end` (after skipping blanks), as [start, end], or undefined. */
function wordBefore(text: string, end: number): [number, number] | undefined {
  let e = end;
  while (e > 0 && end - e < 4 && isBlank(text.charCodeAt(e - 1))) e--;
  let s = e;
  while (s > 0 && e - s < 24 && isCueLetter(text.charCodeAt(s - 1))) s--;
  return s === e ? undefined : [s, e];
}

function isUpper(ch: string | undefined): boolean {
  return ch !== undefined && ch !== ch.toLowerCase();
}

/** The title cue `last` (lower case, as written at `at`) when it is one, given the mark after it. */
function titleCue(text: string, at: number, last: string, dot: boolean, colon: boolean): boolean {
  if (colon) return false;
  if (TITLE_ABBREVIATIONS.has(last)) return true;
  if (TITLE_DOTTED.has(last)) return dot && isUpper(text[at]);
  if (!TITLE_WORDS.has(last) || dot) return false;
  return !TITLE_NEEDS_CAPITAL.has(last) || isUpper(text[at]);
}

/** The kind of name cue that ends right before `index` (blanks and one ':', '?', ',' or '.' allowed between). */
export function cueBefore(text: string, index: number): Cue | undefined {
  let end = index;
  while (end > 0 && index - end < 4 && isBlank(text.charCodeAt(end - 1))) end--;
  const mark = text[end - 1];
  const colon = mark === ':' || mark === '?'; // "Name: X", "What's your last name? X"
  const dot = mark === '.';
  const comma = mark === ',';
  if (colon || dot || comma) end--;
  let w1 = wordBefore(text, end);
  if (!w1) return undefined;
  let last = text.slice(w1[0], w1[1]).toLowerCase();
  if (OBJECT_PRONOUNS.has(last) && !colon && !dot && !comma) {
    // "named him Frank", "called her Anna": a naming verb, then the person it names.
    const verb = wordBefore(text, w1[0]);
    if (!verb || !NAMING_CUES.has(text.slice(verb[0], verb[1]).toLowerCase())) return undefined;
    w1 = verb;
    last = text.slice(verb[0], verb[1]).toLowerCase();
  }
  if (!CUE_LAST_WORDS.has(last)) return undefined;
  if (titleCue(text, w1[0], last, dot, colon)) return 'title';
  if (dot) return undefined; // a sentence ended: "... and so on. Michael"
  const phrase = [last];
  const w2 = wordBefore(text, w1[0]);
  if (w2) {
    phrase.unshift(text.slice(w2[0], w2[1]).toLowerCase());
    const w3 = wordBefore(text, w2[0]);
    if (w3) phrase.unshift(text.slice(w3[0], w3[1]).toLowerCase());
  }
  const newline = text.slice(w1[1], index).includes('\n');
  for (let n = phrase.length; n >= 1; n--) {
    const p = phrase.slice(phrase.length - n).join(' ');
    if (STRONG_CUES.has(p) || (colon && LABEL_CUES.has(p)) || (newline && SIGN_OFFS.has(p))) return 'strong';
    if (comma) continue; // "..., Anna" after a role or verb is a list or an apposition, not a cue
    if (ROLE_CUES.has(p)) return 'role';
    if (NAMING_CUES.has(p)) return 'naming';
    if (VERB_CUES.has(p)) return 'verb';
    if (GREETING_CUES.has(p)) return 'greeting';
    if (WEAK_CUES.has(p)) return 'weak';
  }
  return comma && GREETING_CUES.has(last) ? 'greeting' : undefined;
}

// Words after a name that speak of a person: "Anna said", "Tom's wife", "Sara lives at".
const VERB_AFTER = new Set(
  words(`said says asked asks told tells replied replies answered wrote writes lives lived married works worked
  thinks thought wants wanted called texted emailed smiled laughed cried nodded shouted whispered explained
  sagte fragte dijo disse`),
);
// Auxiliaries and frequent verbs after a subject: "Scott is a ...", "Magnus spent a year ...", "Kevin had given ...".
const SUBJECT_VERB_AFTER = new Set(
  words(`is was has had will would can could did does just also then went got made spent gave gives told asks wants
  needs likes loves knows lives works decided started became`),
);

/**
 * 'role' for a possessive before a relation ("Anna's husband"), 'verb' for a verb about people after the name,
 * 'subject' for an auxiliary or frequent verb after it ("Scott is", "Kevin had").
 */
export function cueAfter(text: string, end: number, possessive: boolean): 'role' | 'verb' | 'subject' | undefined {
  let i = end + (possessive ? 2 : 0);
  if (text.charCodeAt(i) !== 32) return undefined;
  i++;
  let e = i;
  while (e < text.length && e - i < 16 && isCueLetter(text.charCodeAt(e))) e++;
  const next = text.slice(i, e).toLowerCase();
  if (possessive) return ROLE_CUES.has(next) ? 'role' : undefined;
  return VERB_AFTER.has(next) ? 'verb' : SUBJECT_VERB_AFTER.has(next) ? 'subject' : undefined;
}
