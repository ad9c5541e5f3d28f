import { describe, expect, it } from 'vitest';
import { countBounded, loadTokenizer, MAX_RUN, TOKENS_PER_IMAGE, TOKENS_PER_MESSAGE, TOKENS_REPLY_PRIMING, TokenCounter } from './token-count.js';
import { estimateTokens } from './token-estimate.js';

// Hand-written samples: English prose, code, German, Russian, Chinese, Japanese, emoji.
const SAMPLES: Readonly<Record<string, string>> = {
  english: [
    'Our support team received a message from a customer who runs two small bakeries. Their label printer stops after',
    'printing three labels, makes a clicking noise, and the green light keeps blinking. They have already reinstalled',
    'the driver, cleaned the print head and tried a different USB cable. Please summarise the troubleshooting steps we',
    'should suggest next, in order of likelihood, and draft a short, friendly reply that asks for the firmware version',
    'and a photo of the printer settings page. Keep the reply under 150 words and avoid technical jargon where possible.',
    'If a replacement is likely needed, explain the warranty process: the printer is fourteen months old and the',
    'extended warranty covers two years from the date of purchase, provided the receipt can be shown.',
  ].join(' '),
  code: [
    'export async function fetchOrders(client: HttpClient, customerId: string, limit = 50): Promise<Order[]> {',
    '  const url = `/api/v2/customers/${encodeURIComponent(customerId)}/orders?limit=${limit}`;',
    '  const res = await client.get(url, { headers: { accept: "application/json" } });',
    '  if (res.status === 404) return [];',
    '  if (!res.ok) throw new Error(`orders request failed: ${res.status} ${res.statusText}`);',
    '  const body = (await res.json()) as { items: RawOrder[]; next?: string };',
    '  return body.items.map((o) => ({ id: o.id, total: Number(o.total_cents) / 100, placedAt: new Date(o.placed_at) }));',
    '}',
    '',
    'for (let i = 0; i < rows.length; i += 1) {',
    '  if (rows[i].qty > 0 && rows[i].sku.startsWith("BK-")) totals[rows[i].sku] = (totals[rows[i].sku] ?? 0) + rows[i].qty;',
    '}',
  ].join('\n'),
  german: [
    'Sehr geehrte Damen und Herren, ich möchte mich über die Lieferung vom vergangenen Dienstag beschweren.',
    'Die bestellten Küchengeräte kamen beschädigt an, und der Kundendienst hat bisher nicht auf meine E-Mails geantwortet.',
    'Bitte teilen Sie mir mit, wie ich die Rücksendung veranlassen kann und wann ich mit einer Erstattung rechnen darf.',
    'Außerdem wüsste ich gern, ob die Versandkosten ebenfalls zurückerstattet werden. Mit freundlichen Grüßen.',
  ].join(' '),
  russian: [
    'Здравствуйте! Помогите, пожалуйста, составить план путешествия по Золотому кольцу на пять дней.',
    'Мы поедем на машине из Москвы вдвоём, любим старые монастыри, небольшие музеи и местную кухню.',
    'Нужно указать, где лучше остановиться на ночь, сколько времени ехать между городами и что обязательно посмотреть.',
    'Бюджет средний, гостиницы можно простые, но чистые и с парковкой.',
  ].join(' '),
  chinese: [
    '请帮我写一封给房东的邮件，说明厨房的水龙头已经漏水一个星期了，每天晚上都能听到滴水的声音。',
    '我已经试过拧紧阀门，但是没有用。希望房东能在这周末之前安排维修工人上门检查，',
    '如果需要我在家等候，请提前告诉我具体时间。另外，浴室的排风扇也不太正常，噪音很大，',
    '顺便问一下能不能一起修理。谢谢您的理解和帮助。',
  ].join(''),
  japanese: [
    '来週の会議の議事録をまとめてください。主な議題は新しい在庫管理システムの導入時期と、',
    '現場スタッフへの研修計画です。導入は十月を予定していますが、繁忙期と重なるため、',
    '一部の店舗では十一月にずらす案も出ました。研修は二回に分けて行い、',
    '各店舗から二名ずつ参加する予定です。',
  ].join(''),
  emoji: 'Great job team 🎉🎉 the launch went well 🚀 thanks everyone 🙏 see you at the party 🍕🍻 tomorrow!',
};

async function exactCounter(maxExactChars?: number): Promise<TokenCounter> {
  const c = new TokenCounter({ mode: 'exact', maxExactChars });
  await c.load();
  return c;
}

describe('estimateTokens against o200k_base', () => {
  it.each(Object.keys(SAMPLES))('stays within 30%% of the real count for %s', async (name) => {
    const text = SAMPLES[name] as string;
    const exact = (await exactCounter()).count(text);
    const estimate = estimateTokens(text);
    expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.3);
  });

  it('stays within 15% over all samples together', async () => {
    const c = await exactCounter();
    let exact = 0;
    let estimate = 0;
    for (const t of Object.values(SAMPLES)) {
      exact += c.count(t);
      estimate += estimateTokens(t);
    }
    expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.15);
  });

  it('handles empty, tiny and hostile text', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('hi')).toBe(1);
    expect(estimateTokens('\ud800')).toBeGreaterThan(0);
    expect(estimateTokens('a'.repeat(10 * 1024 * 1024))).toBeGreaterThan(1_000_000);
    expect(estimateTokens(' '.repeat(1024 * 1024))).toBeGreaterThan(0);
  });
});

describe('TokenCounter (estimate mode)', () => {
  it('is the default and uses the estimate, even once a tokenizer is loaded', async () => {
    await loadTokenizer('o200k_base');
    const c = new TokenCounter();
    expect(c.mode).toBe('estimate');
    expect(c.exact).toBe(false);
    expect(c.count(SAMPLES.english as string)).toBe(estimateTokens(SAMPLES.english as string));
    expect(c.countTexts([SAMPLES.code as string])).toBe(estimateTokens(SAMPLES.code as string));
  });
});

describe('TokenCounter budget', () => {
  it('scans at most maxEstimateChars and extrapolates the rest', () => {
    const text = Array.from({ length: 20_000 }, () => SAMPLES.english).join('\n'); // ~13 MB
    const full = estimateTokens(text);
    const capped = new TokenCounter().count(text);
    expect(Math.abs(capped - full) / full).toBeLessThan(0.02);
    const tiny = new TokenCounter({ maxEstimateChars: 100 });
    expect(tiny.countTexts(['a'.repeat(50), 'b'.repeat(50), 'c'.repeat(1000)])).toBeGreaterThan(0);
  });

  it('survives a budget of one character meeting a surrogate pair', () => {
    expect(new TokenCounter({ maxEstimateChars: 1 }).count('😀😀😀😀')).toBeGreaterThan(0);
  });

  it('refuses a non-positive budget (caller mistake)', () => {
    expect(() => new TokenCounter({ maxEstimateChars: 0 })).toThrow(TypeError);
    expect(() => new TokenCounter({ maxExactChars: 1.5 })).toThrow(TypeError);
  });
});

describe('TokenCounter (exact mode)', () => {
  it('answers with the estimate until the tokenizer has loaded, then exactly', async () => {
    const c = new TokenCounter({ mode: 'exact', encoding: 'cl100k_base' });
    const text = SAMPLES.german as string;
    expect(c.exact).toBe(false);
    expect(c.count(text)).toBe(estimateTokens(text));
    await c.load();
    expect(c.exact).toBe(true);
    const tokenizer = await loadTokenizer('cl100k_base');
    expect(c.count(text)).toBe(tokenizer.countTokens(text, { disallowedSpecial: new Set() }));
  });

  it('shares one loaded tokenizer between counters', async () => {
    expect(await loadTokenizer('o200k_base')).toBe(await loadTokenizer('o200k_base'));
  });

  it('counts text without long runs exactly, and cut text within a token per cut', async () => {
    const tokenizer = await loadTokenizer('o200k_base');
    const plain = (t: string) => tokenizer.countTokens(t, { disallowedSpecial: new Set() });
    for (const name of ['english', 'code', 'german', 'russian', 'emoji']) {
      const t = SAMPLES[name] as string;
      expect(countBounded(tokenizer, t)).toBe(plain(t));
    }
    // Han text without spaces is one long run: cut every MAX_RUN characters.
    const han = SAMPLES.chinese as string;
    expect(Math.abs(countBounded(tokenizer, han) - plain(han))).toBeLessThanOrEqual(Math.ceil(han.length / MAX_RUN));
  });

  it('counts special-token strings as text instead of throwing', async () => {
    const c = await exactCounter();
    expect(c.count('<|endoftext|> and <|im_start|>system')).toBeGreaterThan(5);
  });

  it('survives lone surrogates and never cuts a surrogate pair', async () => {
    const c = await exactCounter();
    expect(c.count('\ud800 \udc00 x\ud83d')).toBeGreaterThan(0);
    const emoji = '😀'.repeat(MAX_RUN * 3);
    expect(c.count(emoji)).toBeGreaterThanOrEqual(MAX_RUN * 3);
  });

  // Unbounded, gpt-tokenizer needs seconds to minutes for each of these (quadratic BPE on one long pre-token);
  // the vitest timeout catches a regression.
  it.each([
    ['letters', 'a'.repeat(200_000)],
    ['spaces', ' '.repeat(200_000)],
    ['newlines', '\n'.repeat(200_000)],
    ['dots', '.'.repeat(200_000)],
    ['emoji', '🎉'.repeat(50_000)],
    ['han', '漢'.repeat(100_000)],
  ])('counts 200 KB of repeated %s quickly', async (_name, text) => {
    const c = await exactCounter(text.length);
    const n = c.count(text);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(text.length);
  });

  it('extrapolates beyond maxExactChars', async () => {
    const text = Array.from({ length: 40 }, () => SAMPLES.english).join('\n');
    const full = (await exactCounter(text.length)).count(text);
    const extrapolated = (await exactCounter(4_096)).count(text);
    expect(Math.abs(extrapolated - full) / full).toBeLessThan(0.05);
  });

  it('shares the exact budget across texts', async () => {
    const c = await exactCounter(1_000);
    const texts = Array.from({ length: 100 }, () => SAMPLES.english as string);
    const one = c.count(SAMPLES.english as string);
    expect(Math.abs(c.countTexts(texts) - 100 * one) / (100 * one)).toBeLessThan(0.05);
  });
});

describe('countChat', () => {
  it('adds the chat format overhead per message and for the reply', () => {
    const c = new TokenCounter();
    const n = c.countChat([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello there' },
    ]);
    const texts = estimateTokens('system') + estimateTokens('Be brief.') + estimateTokens('user') + estimateTokens('Hello there');
    expect(n).toBe(texts + 2 * TOKENS_PER_MESSAGE + TOKENS_REPLY_PRIMING);
  });

  it('counts text parts, images and tool calls, and ignores junk', () => {
    const c = new TokenCounter();
    const n = c.countChat([
      {
        role: 'user',
        content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: 'data:...' } }, null, 5],
      },
      { role: 'assistant', content: null, tool_calls: [{ id: '1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }, 'junk'] },
      null as unknown as object,
      { role: 7, content: { nested: 'object' } },
    ]);
    const expected =
      estimateTokens('user') +
      estimateTokens('What is in this picture?') +
      TOKENS_PER_IMAGE +
      estimateTokens('assistant') +
      estimateTokens('lookup') +
      estimateTokens('{"q":"x"}') +
      4 * TOKENS_PER_MESSAGE +
      TOKENS_REPLY_PRIMING;
    expect(n).toBe(expected);
  });
});
