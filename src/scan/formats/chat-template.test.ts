import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseChatTemplate, decodeEscapes, patternScan, repairTemplate, TEMPLATE_RULES } from './chat-template.js';
import { BENIGN_TEMPLATES } from './testdata/benign-templates.js';

const ids = async (t: string): Promise<string[]> => (await analyseChatTemplate(t)).map((f) => f.rule.id);
const verdicts = async (t: string): Promise<Set<string>> => new Set((await analyseChatTemplate(t)).map((f) => f.rule.verdict));

describe('analyseChatTemplate: benign templates', () => {
  for (const [name, text] of Object.entries(BENIGN_TEMPLATES)) {
    it(`${name} is clean`, async () => {
      expect(await analyseChatTemplate(text)).toEqual([]);
    });
  }

  it('does not flag namespace(), raise_exception(), strftime_now(), loop.last, slicing or tojson', async () => {
    const t = `{% set ns = namespace(found=false, sys='') %}{% set ns.found = true %}{{ ns.sys }}{{ raise_exception('x') if not ns.found }}
{{ strftime_now('%Y') }}{% for m in messages[1:] %}{{ m.content|tojson }}{% if not loop.last %},{% endif %}{% endfor %}
{{ messages[::-1]|map(attribute='content')|join('\\n') }}{{ '<|' ~ role ~ '|>' }}{{ '%s: %s' % (a, b) }}{{ message['content'].split('</think>')[-1] }}`;
    expect(await analyseChatTemplate(t)).toEqual([]);
  });

  it('does not flag text that merely mentions a dunder outside any attribute position', async () => {
    expect(await analyseChatTemplate('Python objects have __class__ and __init__. {{ "<__media__>" ~ "\\n" }}')).toEqual([]);
  });
});

describe('analyseChatTemplate: sandbox escapes', () => {
  const MALICIOUS: [string, string][] = [
    ['dunder chain', "{{ ''.__class__.__mro__[1].__subclasses__() }}"],
    ['CVE-2024-34359 payload', `{% for x in ().__class__.__base__.__subclasses__() %}{% if "warning" in x.__name__ %}{{x()._module.__builtins__['__import__']('os').popen("touch /tmp/retr0reg")}}{%endif%}{% endfor %}`],
    ['cycler globals os popen', "{{ cycler.__init__.__globals__.os.popen('id').read() }}"],
    ['lipsum globals item', "{{ lipsum.__globals__['os'].popen('id').read() }}"],
    ['joiner call init', '{{ joiner().__init__.__globals__ }}'],
    ['item access with dunder', "{{ x['__class__'] }}"],
    ['concatenation ~', "{{ x[('__cla' ~ 'ss__')] }}"],
    ['concatenation +', "{{ x|attr('__gl' + 'obals__') }}"],
    ['implicit concatenation', "{{ x|attr('__cla' 'ss__') }}"],
    ['variable', "{% set n = '__cla' ~ 'ss__' %}{{ x[n] }}"],
    ['hex escapes', "{{ x|attr('\\x5f\\x5fclass\\x5f\\x5f') }}"],
    ['unicode escapes', "{{ x|attr('\\u005f\\u005fclass\\u005f\\u005f') }}"],
    ['octal escapes (pattern fallback)', "{{ x['\\137\\137class\\137\\137'] }}"],
    ['reverse slice', "{{ x|attr('__ssalc__'[::-1]) }}"],
    ['reverse filter', "{{ x|attr('__ssalc__'|reverse) }}"],
    ['join filter', "{{ x|attr(('_','_','class','_','_')|join) }}"],
    ['str.join', "{{ x|attr(''.join(['__', 'class', '__'])) }}"],
    ['replace filter', "{{ x|attr('..class..'|replace('.', '_')) }}"],
    ['format filter %c', "{{ x|attr('%c%cclass%c%c'|format(95,95,95,95)) }}"],
    ['percent operator', "{{ x|attr('%c%cglobals%c%c' % (95,95,95,95)) }}"],
    ['str.format', "{{ x|attr('{0}{0}class{0}{0}'.format('_')) }}"],
    ['lower filter', "{{ x|attr('__CLASS__'|lower) }}"],
    ['dict keys', '{{ x|attr(dict(__class__=1)|list|first) }}'],
    ['dict keys in a variable', '{% set a = dict(__globals__=1)|list|first %}'],
    ['string repetition', "{{ x|attr('_' * 2 ~ 'class' ~ '_' * 2) }}"],
    ['loop accumulation', "{% set ns = namespace(n='') %}{% for c in ['__cla', 'ss__'] %}{% set ns.n = ns.n ~ c %}{% endfor %}{{ x[ns.n] }}"],
    ['loop over a long constant list', `{% for n in ['__class__', ${"'a', ".repeat(100)}'b'] %}{{ x[n] }}{% endfor %}`],
    ['three nested constant loops', "{% for a in [1] %}{% for b in [2] %}{% for n in ['__globals__'] %}{{ x|attr(n) }}{% endfor %}{% endfor %}{% endfor %}"],
    ['macro parameter', "{% macro g(o, n) %}{{ o|attr(n) }}{% endmacro %}{{ g(x, '__glo' ~ 'bals__') }}"],
    ['map attribute', "{{ x|map(attribute='__class__')|list }}"],
    ['map attr filter', "{{ x|map('attr', '__class__')|list }}"],
    ['selectattr dotted', "{{ x|selectattr('__class__.__name__')|list }}"],
    ['os module root', "{{ os.popen('id').read() }}"],
    ['system call', "{{ x.system('id') }}"],
    ['eval builtin', "{{ eval('1+1') }}"],
    ['__import__ identifier', "{{ __import__('os') }}"],
    ['subprocess attribute', '{{ x.subprocess.check_output }}'],
    ['unparsable with raw', '{% raw %}{% endraw %}{{ x.__class__ }}'],
    ['unparsable with', "{% with a = 1 %}{{ ''.__class__ }}{% endwith %}"],
    ['unparsable raw hiding %c formatting', "{% raw %}{% endraw %}{{ x[('%c%c'|format(95,95)) ~ 'class' ~ ('%c%c'|format(95,95))] }}"],
    ['octal escapes in attr', "{{ x|attr('\\137\\137class\\137\\137') }}"],
    ['block set', "{% set n %}__cla{{ 'ss__' }}{% endset %}{{ x[n] }}"],
    ['generator frame without dunders', "{{ (messages|map('upper')).gi_frame.f_globals }}"],
  ];
  for (const [name, text] of MALICIOUS) {
    it(`flags ${name}`, async () => {
      const v = await verdicts(text);
      expect(v.has('malicious'), JSON.stringify(await ids(text))).toBe(true);
    });
  }

  it('names the fragment and the rule', async () => {
    const [f] = await analyseChatTemplate("{{ x|attr('__cla' ~ 'ss__') }}");
    expect(f?.rule).toBe(TEMPLATE_RULES['obfuscated-name']);
    expect(f?.fragment).toBe("'__cla' ~ 'ss__'");
  });

  const SUSPICIOUS: [string, string][] = [
    ['attr with a computed name', '{{ x|attr(y) }}'],
    ['item with an assembled name', "{{ x[role ~ '_x'] }}"],
    ['gadget root attribute', '{{ lipsum.x }}'],
    ['gadget root through attr', "{{ request|attr('application') }}"],
    ['private attribute', '{{ self._TemplateReference__context }}'],
    ['include', "{% include 'other.j2' %}"],
  ];
  for (const [name, text] of SUSPICIOUS) {
    it(`marks ${name} suspicious`, async () => {
      const v = await verdicts(text);
      expect(v.has('suspicious') || v.has('malicious'), JSON.stringify(await ids(text))).toBe(true);
    });
  }

  it('reports unparsed templates as info and still pattern-scans them', async () => {
    expect(await ids('{% raw %}hello{% endraw %}')).toEqual(['template.unparsed']);
    expect(await ids('{% raw %}{% endraw %}{{ cycler.__init__ }}')).toContain('template.sandbox-escape');
  });

  it('falls back to patterns on nesting too deep to parse or analyse', async () => {
    const deep = `{{ ${'('.repeat(5000)}1${')'.repeat(5000)} }}`;
    expect(await ids(deep)).toContain('template.unparsed');
    const chain = `{{ ${'x.'.repeat(5000)}__class__ }}`;
    expect(await ids(chain)).toContain('template.sandbox-escape');
  });

  it('pattern-scans templates larger than 1 MiB without parsing them', async () => {
    const huge = `${'a'.repeat(2 << 20)}{{ x.__globals__ }}`;
    expect(await ids(huge)).toEqual(['template.unparsed', 'template.sandbox-escape']);
  });

  it('stays linear on large templates and nested loops', async () => {
    // Ten times the size of the largest real templates (generous time bound for a loaded CI machine).
    const big = Object.values(BENIGN_TEMPLATES).join('\n').repeat(10);
    const t1 = Date.now();
    expect(await analyseChatTemplate(big)).toEqual([]);
    expect(Date.now() - t1).toBeLessThan(15_000);
    let nested = "{% set ns = namespace(n='') %}";
    for (let i = 0; i < 30; i++) nested += `{% for a${i} in messages %}{% if a${i} %}`;
    nested += "{% set ns.n = ns.n ~ '__cla' %}{% set ns.n = ns.n ~ 'ss__' %}{{ x[ns.n] }}";
    for (let i = 0; i < 30; i++) nested += '{% endif %}{% endfor %}';
    expect(await ids(nested)).toContain('template.sandbox-escape');
    expect(await ids(nested)).not.toContain('template.unparsed');
  });

  it('does not evaluate huge repetitions or ranges', async () => {
    const t0 = Date.now();
    await analyseChatTemplate("{{ 'a' * 100000000 }}{% for i in range(1000000) %}{% for j in range(1000000) %}{{ x[i] }}{% endfor %}{% endfor %}");
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

describe('repairTemplate', () => {
  it('rewrites syntax the parser lacks and keeps expressions', () => {
    expect(repairTemplate("{% raw %}{{ x }}{% endraw %}{% with a = 1 %}{{ ().__class__ }}{% endwith %}{% do ns.update(a) %}{% include 'x' %}")).toBe(
      '{% if true %}{{ [].__class__ }}{% endif %}{{ ns.update(a) }}',
    );
    expect(repairTemplate("'\\137'")).toBe("'\\x5f'");
    expect(repairTemplate('{{ f() }}')).toBe('{{ f() }}');
  });

  it('keeps the fragment readable', async () => {
    const [f] = await analyseChatTemplate("{{ (messages|map('upper')).gi_frame }}");
    expect(f?.fragment).toBe("(messages|map('upper')).gi_frame");
  });
});

describe('pattern scan', () => {
  it('decodes escapes', () => {
    expect(decodeEscapes('\\x5f\\137\\u005f\\U0000005f')).toBe('____');
  });

  it('joins quoted pieces and reads reversed strings', () => {
    expect(patternScan("{{ x['__cla' ~ 'ss__'] }}").map((f) => f.rule.id)).toContain('template.obfuscated-name');
    expect(patternScan("{{ x|attr('__ssalc__'[::-1]) }}").map((f) => f.rule.id)).toContain('template.obfuscated-name');
    expect(patternScan("{{ x['o' ~ 's'].popen('id') }}").map((f) => f.rule.id)).toContain('template.code-execution');
  });

  it('leaves benign templates alone', () => {
    for (const t of Object.values(BENIGN_TEMPLATES)) expect(patternScan(t)).toEqual([]);
  });
});

describe('fuzz', () => {
  it('never throws on random text or mutated templates', async () => {
    const pieces = ['{{', '}}', '{%', '%}', 'for', 'in', 'if', 'set', '=', '~', '|', 'attr(', ')', '(', '[', ']', "'__", "__'", '.', 'x', 'ns', 'namespace(', 'macro', 'endmacro', 'endfor', 'endif', ':', '-1', '::', ',', '%', 'join', '"', '\\x5f'];
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.array(fc.constantFrom(...pieces), { maxLength: 80 }).map((a) => a.join(' '))), async (t) => {
        const out = await analyseChatTemplate(t);
        expect(Array.isArray(out)).toBe(true);
      }),
      { numRuns: 400 },
    );
    const base = Object.values(BENIGN_TEMPLATES).join('\n');
    await fc.assert(
      fc.asyncProperty(fc.nat(base.length), fc.nat(40), fc.string({ maxLength: 8 }), async (at, del, ins) => {
        const t = base.slice(0, at) + ins + base.slice(at + del);
        await analyseChatTemplate(t);
      }),
      { numRuns: 150 },
    );
  });
});
