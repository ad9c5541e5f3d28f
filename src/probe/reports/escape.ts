// Escaping of hostile text (model answers, grader reasons, ids) for HTML, XML and Markdown: one place, tested with fast-check.

// C0 controls other than tab, LF and CR, DEL and C1 controls, lone surrogates, and the XML non-characters U+FFFE/U+FFFF.
const INVALID_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const HTML_SPECIAL = /[&<>"']/g;
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Characters that no XML 1.0 document may contain (and HTML treats as errors) become U+FFFD. */
export function stripInvalidChars(text: string): string {
  return text.replace(INVALID_XML, '\ufffd');
}

/** Text for HTML element content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return stripInvalidChars(text).replace(HTML_SPECIAL, (c) => HTML_ENTITIES[c] ?? c);
}

/** Text for XML element content. */
export function escapeXml(text: string): string {
  return stripInvalidChars(text).replace(HTML_SPECIAL, (c) => HTML_ENTITIES[c] ?? c);
}

/** Text for a double-quoted XML attribute: also tab, LF and CR as references, which attribute normalisation would turn into spaces. */
export function escapeXmlAttr(text: string): string {
  return escapeXml(text).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Text inside a Markdown table cell (GitHub-flavoured): one line, Markdown and HTML syntax escaped, no @mentions,
 * so that a category or reason can neither break the table nor inject links, images or HTML into a PR comment.
 */
export function escapeMarkdown(text: string): string {
  return stripInvalidChars(text)
    .replace(/\s+/g, ' ')
    .replace(/[\\`*_{}[\]()<>#+!|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/@/g, '&#64;')
    .replace(/(https?|ftp|mailto):/gi, (m) => `${m.slice(0, -1)}&#58;`);
}

/** An id (case id, category) as an inline code span in a table cell. */
export function markdownCode(text: string): string {
  const clean = stripInvalidChars(text).replace(/\s+/g, ' ').replace(/`/g, "'").replace(/\|/g, '\\|');
  return `\`${clean}\``;
}

/** At most `max` characters (not splitting a surrogate pair), with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** How a category row is named in reports: with its target when the run had several. */
export function categoryLabel(c: { category: string; target?: string }): string {
  return c.target === undefined ? c.category : `${c.category} @ ${c.target}`;
}
