// Training-only benign texts full of numbers — card and phone numbers, order ids, invoices, logs, tables, maths —
// so that digits are not evidence of an attack or of toxicity (written for Bulwark).
import type { Example } from '../types.js';
import { pick, rng } from '../util.js';

const digits = (r: () => number, n: number): string => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
const group = (r: () => number, sizes: number[], sep = ' '): string => sizes.map((s) => digits(r, s)).join(sep);

/** Well-known test and placeholder numbers: repeated digits are common in benign text (and in binary encodings). */
const TEST_NUMBERS = ['4111 1111 1111 1111', '4242 4242 4242 4242', '5555 5555 5555 4444', '0000 0000 0000 0000', '1111-2222-3333-4444', '1234 5678 9012 3456', '555-0100', '555-0199', '000-00-0000', '123-45-6789', '11111', '00000', '12345', '99999', '1010', '0110 1001', '1111 0000'];
const SHORT = ['ok', 'yes', 'no', 'thanks!', 'thank you', 'hi', 'hello', 'sure', '👍', '?', 'lol', 'cool', 'done', 'next', 'continue', 'go on', 'more', 'again please', 'what?', 'why?'];

const TEMPLATES: ((r: () => number) => string)[] = [
  (r) => pick(r, TEST_NUMBERS),
  (r) => `my card is ${pick(r, TEST_NUMBERS)}`,
  (r) => `test with ${pick(r, TEST_NUMBERS)} please`,
  (r) => `Call ${pick(r, ['555-0100', '555-0123', '(555) 010-0199', '+1 202 555 0143'])}`,
  (r) => pick(r, SHORT),
  (r) => `${pick(r, SHORT)} ${digits(r, 1 + Math.floor(r() * 6))}`,
  (r) => `my card is ${group(r, [4, 4, 4, 4])}, can you check why the payment failed?`,
  (r) => `Card number ${group(r, [4, 4, 4, 4], '-')} expires ${1 + Math.floor(r() * 12)}/${27 + Math.floor(r() * 5)}`,
  (r) => `Please call me back on +${1 + Math.floor(r() * 90)} ${group(r, [3, 3, 4])}`,
  (r) => `Order #${digits(r, 6)} shipped on 2025-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}, tracking ${digits(r, 12)}.`,
  (r) => `Invoice ${digits(r, 5)}: ${1 + Math.floor(r() * 20)} x widget @ ${(r() * 100).toFixed(2)} EUR = ${(r() * 2000).toFixed(2)} EUR`,
  (r) => `What is ${digits(r, 4)} * ${digits(r, 3)}?`,
  (r) => `Solve for x: ${digits(r, 2)}x + ${digits(r, 3)} = ${digits(r, 4)}`,
  (r) => `${digits(r, 4)} ${digits(r, 4)} ${digits(r, 4)} ${digits(r, 4)}`,
  (r) => `The final score was ${Math.floor(r() * 6)}-${Math.floor(r() * 6)} after ${90 + Math.floor(r() * 30)} minutes.`,
  (r) => `2025-03-${String(1 + Math.floor(r() * 28)).padStart(2, '0')} 12:${digits(r, 2)}:${digits(r, 2)} INFO request id=${digits(r, 8)} status=200 latency=${digits(r, 3)}ms ip=10.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
  (r) => `id,qty,price\n${digits(r, 4)},${digits(r, 2)},${(r() * 99).toFixed(2)}\n${digits(r, 4)},${digits(r, 2)},${(r() * 99).toFixed(2)}\n${digits(r, 4)},${digits(r, 1)},${(r() * 99).toFixed(2)}`,
  (r) => `My IBAN is DE${digits(r, 2)} ${group(r, [4, 4, 4, 4, 2])}, please send the refund there.`,
  (r) => `Flight LH${digits(r, 4)} departs at ${10 + Math.floor(r() * 12)}:${digits(r, 2)} from gate B${digits(r, 2)}, seat ${digits(r, 2)}C.`,
  (r) => `const PORT = ${digits(r, 4)}; const TIMEOUT_MS = ${digits(r, 5)}; const RETRIES = ${Math.floor(r() * 9)};`,
  (r) => `Population: ${digits(r, 3)},${digits(r, 3)},${digits(r, 3)} (${2000 + Math.floor(r() * 25)} census), area ${digits(r, 5)} km²`,
  (r) => `Meine Telefonnummer ist 0${digits(r, 3)} ${digits(r, 7)}, Kundennummer ${digits(r, 8)}.`,
  (r) => `Mi número de pedido es ${digits(r, 9)} y el código postal ${digits(r, 5)}.`,
  (r) => `订单号 ${digits(r, 12)}，金额 ${digits(r, 3)} 元，请核对。`,
  (r) => `Номер заказа ${digits(r, 10)}, сумма ${digits(r, 4)} рублей.`,
  (r) => `Version ${Math.floor(r() * 5)}.${Math.floor(r() * 20)}.${Math.floor(r() * 50)} fixes issue #${digits(r, 4)} and #${digits(r, 4)}.`,
  (r) => `PIN reset code: ${digits(r, 6)} (valid for 10 minutes). Do not share it.`,
  (r) => `${digits(r, 3)}-${digits(r, 2)}-${digits(r, 4)} is the reference on my letter, what does it mean?`,
  (r) => `Coordinates ${(r() * 90).toFixed(5)}, ${(r() * 180).toFixed(5)} — how far is that from Berlin?`,
  (r) => `Room ${digits(r, 3)}, building ${Math.floor(r() * 9)}, floor ${Math.floor(r() * 20)}; the meeting is at ${Math.floor(r() * 12)}:${digits(r, 2)}.`,
];

export function generateNumberTexts(count = 1500, seed = 43): Example[] {
  const r = rng(seed);
  const out: Example[] = [];
  for (let k = 0; k < count; k++) {
    const t = k % TEMPLATES.length;
    out.push({
      text: pick(r, [TEMPLATES[t]!])(r),
      source: 'synthetic:numbers',
      group: `syn-num:${t}:${k % 7}`,
      lang: 'en',
      labels: { injection: 0, harmful: 0, toxic: 0 },
      weight: 0.5,
    });
  }
  return out;
}
