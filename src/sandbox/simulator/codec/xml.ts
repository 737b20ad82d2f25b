// The simulator's own reader for WeChat's flat XML, independent of the client's (src/adapters/wechatpay/v2/xml.ts).
// The reader is a hand-written scanner for `<xml><name>value</name>…</xml>` and nothing else: no
// DTD, no entities beyond XML's five, no attributes, no nesting. WeChat answers what it cannot read with
// return_code FAIL "XML格式错误"; the simulator should do the same whenever this throws.

/**
 * Why a body was refused. `markup`: DOCTYPE, ENTITY, comment or processing instruction, never in a WeChat message
 * (XXE, digest §14.1). `nested`/`duplicate`: WeChat messages are flat, and which of two values counts is ambiguous.
 * `name`: outside [A-Za-z_][A-Za-z0-9_]*. `char`: a character XML 1.0 cannot carry, raw or as a reference.
 */
export type SimXmlReason = 'notText' | 'oversize' | 'empty' | 'markup' | 'malformed' | 'root' | 'nested' | 'duplicate' | 'name' | 'char';

export class SimXmlError extends Error {
  override readonly name = 'SimXmlError';
  constructor(
    readonly reason: SimXmlReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

export interface SimParseOptions {
  /** Counted in UTF-8 bytes, as on the wire. */
  readonly maxBytes: number;
  /** `xml` (the default) for messages; `root` for a decrypted refund `req_info`. */
  readonly root?: string;
}

/** Field (and root) names the simulator reads and writes; WeChat's are lowercase snake case. */
export const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Outside XML 1.0's Char production: C0 controls but tab/LF/CR, U+FFFE/U+FFFF, and unpaired surrogates. */
export const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/u;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /^(?:#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6})|(amp|lt|gt|quot|apos));/;
const DECLARATION = /^<\?xml[ \t\r\n][^<>?]*\?>/;
const isSpace = (ch: string | undefined): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';

/** `&#…;` must name a character XML may carry: not `&#0;`, not a surrogate, nothing past U+10FFFF. */
function charRef(code: number): string {
  const ch = code <= 0x10ffff ? String.fromCodePoint(code) : '\u0000';
  if (NOT_XML_CHAR.test(ch)) throw new SimXmlError('char', 'character reference to a forbidden character');
  return ch;
}

/** Text between tags: decodes `&…;` references, refuses a bare `&` and `]]>` (both are not well-formed XML). */
function decodeText(text: string): string {
  if (text.includes(']]>')) throw new SimXmlError('malformed', '"]]>" in text');
  const [head, ...rest] = text.split('&');
  let out = head as string;
  for (const piece of rest) {
    const ref = REFERENCE.exec(piece);
    if (!ref) throw new SimXmlError('malformed', 'bare "&" or unknown entity');
    const [whole, dec, hex, named] = ref;
    if (named !== undefined) out += PREDEFINED[named] as string;
    else out += charRef(dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex as string, 16));
    out += piece.slice(whole.length);
  }
  return out;
}

/**
 * Parses a flat WeChat document into a frozen, null-prototype map of exact XML values (no trimming, no numbers; an
 * empty or self-closed field is ''). Throws SimXmlError, and nothing else, for every other input.
 */
export function simParseXml(body: unknown, options: SimParseOptions): Record<string, string> {
  const root = options.root ?? 'xml';
  if (typeof body !== 'string') throw new SimXmlError('notText', 'body is not text');
  if (Buffer.byteLength(body, 'utf8') > options.maxBytes) throw new SimXmlError('oversize', 'body too large');
  if (NOT_XML_CHAR.test(body)) throw new SimXmlError('char', 'forbidden character in the document');
  // XML 1.0 §2.11: every parser turns CRLF and lone CR into LF before anything else, CDATA included; a value keeps
  // a CR only when written `&#13;`. Doing the same keeps the simulator honest about what WeChat's parser sees.
  const src = body.replace(/\r\n?/g, '\n');
  let pos = 0;
  const skipSpace = (): void => {
    while (isSpace(src[pos])) pos += 1;
  };
  const eat = (text: string): boolean => (src.startsWith(text, pos) ? ((pos += text.length), true) : false);

  // `<name>` or `<name/>` at pos, space allowed before the `>`; attributes are refused.
  const startTag = (): { name: string; empty: boolean } => {
    if (src[pos] !== '<') throw new SimXmlError('malformed', 'text where a start tag belongs');
    const next = src[pos + 1];
    if (next === '!' || next === '?') throw new SimXmlError('markup', 'DOCTYPE, ENTITY, comment or PI');
    if (next === '/') throw new SimXmlError('malformed', 'unexpected end tag');
    let end = pos + 1;
    while (end < src.length && !isSpace(src[end]) && !'/><'.includes(src[end] as string)) end += 1;
    const name = src.slice(pos + 1, end);
    if (!NAME.test(name)) throw new SimXmlError('name', 'illegal element name');
    pos = end;
    skipSpace();
    if (eat('>')) return { name, empty: false };
    if (eat('/>')) return { name, empty: true };
    throw new SimXmlError('malformed', `attributes or junk in <${name}>`);
  };

  // `</name>` at pos (space allowed before `>`); anything else is a mismatched or broken end tag.
  const endTag = (name: string): void => {
    if (!eat(`</${name}`)) throw new SimXmlError('malformed', `expected </${name}>`);
    skipSpace();
    if (!eat('>')) throw new SimXmlError('malformed', `mismatched end tag for <${name}>`);
  };

  // A field's content: text and CDATA sections, concatenated; any other markup inside is refused.
  const content = (name: string): string => {
    let value = '';
    for (;;) {
      const lt = src.indexOf('<', pos);
      if (lt < 0) throw new SimXmlError('malformed', `<${name}> is not closed`);
      value += decodeText(src.slice(pos, lt));
      pos = lt;
      if (eat('<![CDATA[')) {
        const close = src.indexOf(']]>', pos);
        if (close < 0) throw new SimXmlError('malformed', 'unterminated CDATA');
        value += src.slice(pos, close);
        pos = close + 3;
      } else if (src[pos + 1] === '/') {
        endTag(name);
        return value;
      } else {
        const kind = src[pos + 1] === '!' || src[pos + 1] === '?' ? 'markup' : 'nested';
        throw new SimXmlError(kind, `markup inside <${name}>`);
      }
    }
  };

  // An XML declaration may only open the document (XML 1.0 §2.8); whitespace may come before the root otherwise.
  const declaration = DECLARATION.exec(src);
  if (declaration) pos = declaration[0].length;
  skipSpace();
  if (pos >= src.length) throw new SimXmlError('empty', 'no document');
  const top = startTag();
  if (top.name !== root) throw new SimXmlError('root', `root must be <${root}>`);
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!top.empty) {
    for (skipSpace(); !src.startsWith('</', pos); skipSpace()) {
      if (pos >= src.length) throw new SimXmlError('malformed', `<${root}> is not closed`);
      const field = startTag();
      if (Object.hasOwn(fields, field.name)) throw new SimXmlError('duplicate', `<${field.name}> twice`);
      fields[field.name] = field.empty ? '' : content(field.name);
    }
    endTag(root);
  }
  skipSpace();
  if (pos !== src.length) throw new SimXmlError('malformed', 'content after the root element');
  return Object.freeze(fields);
}
