import type { SignableFields, WechatFields } from './sign.js';

/** WeChat's notifies are a few hundred bytes; 16 KB leaves room for coupons and still bounds parsing work. */
export const NOTIFY_MAX_BYTES = 16 * 1024;
/** API responses (not bills) stay well below this. */
export const RESPONSE_MAX_BYTES = 256 * 1024;

export type XmlRejection =
  | 'notText'
  | 'empty'
  | 'oversize'
  | 'bom'
  | 'declaration'
  | 'notXml'
  | 'malformed'
  | 'wrongRoot'
  | 'nested'
  | 'duplicate'
  | 'badName'
  | 'badText'
  | 'attribute';

/** The body is not a flat WeChat XML document; `reason` says why, so callers can log without echoing the body. */
export class WechatXmlError extends Error {
  override readonly name = 'WechatXmlError';
  constructor(
    readonly reason: XmlRejection,
    message: string,
  ) {
    super(message);
  }
}

export interface ParseOptions {
  readonly maxBytes: number;
  /** `xml` for messages, `root` for a decrypted refund `req_info`. */
  readonly root?: string;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const isReservedName = (name: string): boolean => name === 'prototype' || name in Object.prototype;
/** The optional XML declaration, the only processing instruction a document may hold; quotes must pair up. */
const DECLARATION = /<\?xml(?:[^?<"']|"[^?<"]*"|'[^?<']*')*\?>/y;
const REFERENCE = /&(?:#([0-9]{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g;
const REFERENCE_AT = new RegExp(REFERENCE.source, 'y');
/** What a well-formedness checker takes for a reference: refused as malformed, not as an unknown entity, when absent. */
const REFERENCE_SHAPE = /&(?:#x[0-9a-fA-F]*|#[0-9]*|[A-Za-z0-9_]{1,20});/y;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// Characters XML 1.0 forbids (C0 controls other than tab/LF/CR, and U+FFFE/U+FFFF).
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const NOT_BLANK = /\S/;
const LINE_BREAK = /\r\n?/g;
const CDATA_OPEN = '<![CDATA[';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const isXmlSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
const isNameChar = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;

/**
 * Throws a refusal without a stack trace: capturing one costs more than reading the whole document, a hostile
 * sender chooses how often we pay it, and `reason` and `message` already say where the document went wrong.
 */
function fail(reason: XmlRejection, message: string): never {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    throw new WechatXmlError(reason, message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Parses a flat WeChat document (`<xml><k>v</k>…</xml>`) into a null-prototype map of exact strings, in one pass
 * over the text with nothing but the grammar WeChat uses: an optional `<?xml…?>` declaration, one root, flat
 * children holding text and CDATA. Everything else is refused: every markup declaration (`<!DOCTYPE`, `<!ENTITY`,
 * comments: no XXE, no billion laughs) and processing instruction, several roots, nested or repeated elements,
 * attributes, text beside elements, a BOM, oversize bodies, references other than XML's five and character
 * references to characters XML can carry. Values are exact (no trimming, no numbers); line breaks are normalised
 * to LF as XML 1.0 §2.11 says, so `&#13;` is the only way to send a CR. Throws WechatXmlError only.
 *
 * It replaced fast-xml-parser (validator, parser, then checks of the tree), three passes and a tree per callback;
 * test/adapters/wechatpay/v2/xml.differential.props.test.ts holds the two to the same verdicts.
 */
export function parseWechatXml(body: unknown, options: ParseOptions): WechatFields {
  if (typeof body !== 'string') return fail('notText', 'body is not text');
  if (body.length > options.maxBytes || Buffer.byteLength(body, 'utf8') > options.maxBytes) {
    return fail('oversize', `body exceeds ${options.maxBytes} bytes`);
  }
  if (!NOT_BLANK.test(body)) return fail('empty', 'empty body');
  if (body.charCodeAt(0) === 0xfeff) return fail('bom', 'byte order mark before the document');
  return new FlatReader(body).document(options.root ?? 'xml');
}

/** A cursor over one document; each method consumes what it names or throws. */
class FlatReader {
  private pos = 0;

  constructor(private readonly src: string) {}

  document(root: string): WechatFields {
    const { src } = this;
    this.skipSpace();
    const lead = this.pos;
    if (src.charCodeAt(this.pos) !== LT) {
      return src.trimStart().startsWith('<') ? fail('malformed', 'text before the root element') : fail('notXml', 'not an XML document');
    }
    if (src.charCodeAt(this.pos + 1) === QUESTION) {
      DECLARATION.lastIndex = this.pos;
      if (!DECLARATION.test(src)) return fail('declaration', 'processing instruction present');
      // `<?xml` names the declaration only at the very start; after whitespace it is a misplaced declaration.
      const afterName = src.charCodeAt(this.pos + 5);
      if (lead > 0 && (afterName === 0x20 || afterName === QUESTION)) return fail('malformed', 'XML declaration after whitespace');
      this.pos = DECLARATION.lastIndex;
      this.skipSpace();
    }
    if (src.charCodeAt(this.pos) !== LT) return fail('malformed', 'no root element after the declaration');
    this.refuseMarkup('before the root element');
    const top = this.startTag();
    if (top.name !== root) return fail('wrongRoot', `root element must be <${root}>`);
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    if (!top.empty) this.children(root, fields);
    this.skipSpace();
    if (this.pos < src.length) {
      this.refuseMarkup('after the root element');
      return fail('malformed', 'content after the root element');
    }
    return Object.freeze(fields);
  }

  private children(root: string, fields: Record<string, string>): void {
    const { src } = this;
    for (;;) {
      const lt = src.indexOf('<', this.pos);
      if (lt < 0) return fail('malformed', `<${root}> is not closed`);
      // Whitespace between fields is layout; anything else is text beside elements.
      if (lt > this.pos && !this.isBlank(this.pos, lt)) return fail('malformed', 'text beside elements');
      this.pos = lt;
      if (src.charCodeAt(lt + 1) === SLASH) return this.endTag(root);
      if (src.startsWith(CDATA_OPEN, lt) && src.includes(']]>', lt)) return fail('malformed', 'text beside elements');
      this.refuseMarkup(`inside <${root}>`);
      const field = this.startTag();
      const { name } = field;
      if (!NAME.test(name) || isReservedName(name)) return fail('badName', 'illegal element name');
      if (Object.hasOwn(fields, name)) return fail('duplicate', `element <${name}> appears more than once`);
      fields[name] = field.empty ? '' : this.leafValue(name);
    }
  }

  /** A field's content up to its end tag: text and CDATA sections, concatenated. */
  private leafValue(name: string): string {
    const { src } = this;
    let value = '';
    for (;;) {
      const lt = src.indexOf('<', this.pos);
      if (lt < 0) return fail('malformed', `<${name}> is not closed`);
      if (lt > this.pos) value += decodeText(src.slice(this.pos, lt));
      this.pos = lt;
      const next = src.charCodeAt(lt + 1);
      if (next === SLASH) {
        this.endTag(name);
        break;
      }
      if (src.startsWith(CDATA_OPEN, lt)) {
        const close = src.indexOf(']]>', lt + CDATA_OPEN.length);
        if (close < 0) return fail('declaration', 'unterminated CDATA section');
        value += normaliseLineBreaks(src.slice(lt + CDATA_OPEN.length, close));
        this.pos = close + 3;
        continue;
      }
      this.refuseMarkup(`inside <${name}>`);
      return fail('nested', `element <${name}> contains elements; WeChat messages are flat`);
    }
    if (FORBIDDEN_CHAR.test(value)) return fail('badText', `element <${name}> holds a forbidden character`);
    return value;
  }

  /** `<name>` or `<name/>`, whitespace allowed before the `>`; attributes are refused (WeChat never sends any). */
  private startTag(): { name: string; empty: boolean } {
    const { src } = this;
    const from = this.pos + 1;
    let end = from;
    while (end < src.length && isNameChar(src.charCodeAt(end))) end += 1;
    const name = src.slice(from, end);
    if (name === '') return fail('malformed', 'a start tag without a name');
    this.pos = end;
    const afterName = src.charCodeAt(end);
    this.skipSpace();
    const c = src.charCodeAt(this.pos);
    if (c === GT) {
      this.pos += 1;
      return { name, empty: false };
    }
    if (c === SLASH && src.charCodeAt(this.pos + 1) === GT) {
      this.pos += 2;
      return { name, empty: true };
    }
    if (this.pos > end && this.pos < src.length && c !== SLASH && c !== LT) {
      return fail('attribute', `<${name}> carries attributes`);
    }
    return isXmlSpace(afterName) || afterName === SLASH || Number.isNaN(afterName)
      ? fail('malformed', `<${name}> is not closed properly`)
      : fail('badName', 'illegal element name');
  }

  /** `</name>`, whitespace allowed before the `>`; anything else is a mismatched or broken end tag. */
  private endTag(name: string): void {
    const { src } = this;
    const from = this.pos + 2;
    if (!src.startsWith(name, from) || isNameChar(src.charCodeAt(from + name.length))) {
      return fail('malformed', `expected </${name}>`);
    }
    this.pos = from + name.length;
    this.skipSpace();
    if (src.charCodeAt(this.pos) !== GT) return fail('malformed', `broken end tag </${name}>`);
    this.pos += 1;
  }

  /** `<!…` (DOCTYPE, ENTITY, comment, stray CDATA) and `<?…` at pos are never part of a WeChat message. */
  private refuseMarkup(where: string): void {
    const next = this.src.charCodeAt(this.pos + 1);
    if (this.src.charCodeAt(this.pos) !== LT) return;
    if (next === BANG) {
      if (this.src.startsWith(CDATA_OPEN, this.pos) && this.src.includes(']]>', this.pos)) {
        fail('malformed', `CDATA ${where}`);
      }
      fail('declaration', 'DOCTYPE, ENTITY or comment present');
    }
    if (next === QUESTION) fail('declaration', 'processing instruction present');
  }

  private skipSpace(): void {
    while (isXmlSpace(this.src.charCodeAt(this.pos))) this.pos += 1;
  }

  /** Blank as String#trim sees it (any Unicode space), which is what the tree-based reader skipped. */
  private isBlank(from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (!isXmlSpace(this.src.charCodeAt(i))) return !NOT_BLANK.test(this.src.slice(from, to));
    return true;
  }
}

const normaliseLineBreaks = (text: string): string => (text.includes('\r') ? text.replace(LINE_BREAK, '\n') : text);

/** Raw text between tags: line breaks normalised, then the five predefined entities and character references. */
function decodeText(raw: string): string {
  const text = normaliseLineBreaks(raw);
  if (text.includes(']]>')) return fail('badText', '"]]>" outside CDATA');
  if (!text.includes('&')) return text;
  for (let amp = text.indexOf('&'); amp >= 0; amp = text.indexOf('&', amp + 1)) {
    REFERENCE_AT.lastIndex = amp;
    if (REFERENCE_AT.test(text)) continue;
    REFERENCE_SHAPE.lastIndex = amp;
    return REFERENCE_SHAPE.test(text) ? fail('badText', 'unknown entity or bare &') : fail('malformed', 'bare &');
  }
  return text.replace(REFERENCE, (_, dec: string | undefined, hex: string | undefined, named: string | undefined) => {
    if (named !== undefined) return PREDEFINED[named] as string;
    const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex as string, 16);
    const allowed =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      (code >= 0x10000 && code <= 0x10ffff);
    if (!allowed) fail('badText', 'character reference to a forbidden character');
    return String.fromCodePoint(code);
  });
}

/**
 * Builds `<xml>` with CDATA for text (a `]]>` inside a value is split across two sections) and bare digits for
 * numbers, as WeChat's own messages look (see elementContent for the one exception, a CR). `undefined` values are left out; names and characters are checked so a
 * bad value fails here rather than at WeChat.
 */
export function buildWechatXml(fields: SignableFields, root = 'xml'): string {
  let out = `<${root}>`;
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (!NAME.test(name) || isReservedName(name)) throw new RangeError(`illegal XML element name: ${name}`);
    if (FORBIDDEN_CHAR.test(value)) throw new RangeError(`value of ${name} holds a character XML cannot carry`);
    out += `<${name}>${elementContent(value)}</${name}>`;
  }
  return `${out}</${root}>`;
}

/**
 * A CR would not survive: every XML parser turns CR and CRLF into LF, CDATA included, so the receiver would sign
 * another string. A value holding one is written as escaped text with the CR as `&#13;`, which parsers keep.
 */
function elementContent(value: string): string {
  if (/^[0-9]+$/.test(value)) return value;
  if (value.includes('\r')) {
    return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('\r', '&#13;');
  }
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}
