// A strict XML 1.0 well-formedness checker for tests (elements, attributes, references, comments, one root) returning a tree.
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Decoded text directly inside this element. */
  text: string;
}

export class XmlError extends Error {
  constructor(message: string, offset: number) {
    super(`${message} at offset ${offset}`);
  }
}

const NAME = /[A-Za-z_:][A-Za-z0-9_.:-]*/y;
const BAD_CHAR = /[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

function validCodePoint(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

function decode(raw: string, at: number): string {
  if (raw.includes('<')) throw new XmlError('"<" in text or attribute', at);
  return raw.replace(/&([^;]{0,10});?/g, (m, ref: string) => {
    if (!m.endsWith(';')) throw new XmlError(`bare "&"`, at);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (Object.hasOwn(named, ref)) return named[ref] as string;
    const num = /^#x([0-9A-Fa-f]+)$/.exec(ref) ?? /^#([0-9]+)$/.exec(ref);
    if (!num?.[1]) throw new XmlError(`unknown entity &${ref};`, at);
    const cp = parseInt(num[1], ref.startsWith('#x') ? 16 : 10);
    if (!validCodePoint(cp)) throw new XmlError(`reference to an invalid character &${ref};`, at);
    return String.fromCodePoint(cp);
  });
}

export function parseXml(doc: string): XmlElement {
  if (BAD_CHAR.test(doc)) throw new XmlError('character not allowed in XML 1.0', doc.search(BAD_CHAR));
  let i = 0;
  if (doc.startsWith('<?xml')) {
    const end = doc.indexOf('?>');
    if (end < 0) throw new XmlError('unterminated XML declaration', 0);
    i = end + 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const name = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(doc);
    if (!m) throw new XmlError('expected a name', i);
    i += m[0].length;
    return m[0];
  };
  const skipWs = (): void => {
    while (i < doc.length && /\s/.test(doc[i] as string)) i++;
  };
  while (i < doc.length) {
    const lt = doc.indexOf('<', i);
    const textEnd = lt < 0 ? doc.length : lt;
    const text = doc.slice(i, textEnd);
    if (text.includes(']]>')) throw new XmlError('"]]>" in text', i);
    const top = stack[stack.length - 1];
    if (top) top.text += decode(text, i);
    else if (text.trim() !== '') throw new XmlError('text outside the root element', i);
    i = textEnd;
    if (lt < 0) break;
    if (doc.startsWith('<!--', i)) {
      const end = doc.indexOf('-->', i + 4);
      if (end < 0 || doc.slice(i + 4, end).includes('--')) throw new XmlError('bad comment', i);
      i = end + 3;
    } else if (doc.startsWith('<![CDATA[', i)) {
      const end = doc.indexOf(']]>', i);
      if (end < 0 || !top) throw new XmlError('bad CDATA section', i);
      top.text += doc.slice(i + 9, end);
      i = end + 3;
    } else if (doc.startsWith('</', i)) {
      i += 2;
      const n = name();
      skipWs();
      if (doc[i] !== '>') throw new XmlError('expected ">"', i);
      i++;
      const open = stack.pop();
      if (!open || open.name !== n) throw new XmlError(`closing </${n}> does not match <${open?.name ?? ''}>`, i);
    } else if (doc.startsWith('<?', i) || doc.startsWith('<!', i)) {
      throw new XmlError('processing instruction or declaration not expected', i);
    } else {
      i++;
      const el: XmlElement = { name: name(), attrs: {}, children: [], text: '' };
      for (;;) {
        const before = i;
        skipWs();
        if (doc.startsWith('/>', i) || doc[i] === '>') break;
        if (i === before) throw new XmlError('expected whitespace before an attribute', i);
        const an = name();
        if (Object.hasOwn(el.attrs, an)) throw new XmlError(`duplicate attribute ${an}`, i);
        skipWs();
        if (doc[i] !== '=') throw new XmlError('expected "="', i);
        i++;
        skipWs();
        const q = doc[i];
        if (q !== '"' && q !== "'") throw new XmlError('expected a quoted value', i);
        const end = doc.indexOf(q, i + 1);
        if (end < 0) throw new XmlError('unterminated attribute', i);
        el.attrs[an] = decode(doc.slice(i + 1, end), i);
        i = end + 1;
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) throw new XmlError('a second root element', i);
      else root = el;
      if (doc.startsWith('/>', i)) i += 2;
      else {
        i++;
        stack.push(el);
      }
    }
  }
  if (stack.length > 0) throw new XmlError(`unclosed <${stack[stack.length - 1]?.name ?? ''}>`, doc.length);
  if (!root) throw new XmlError('no root element', 0);
  return root;
}
