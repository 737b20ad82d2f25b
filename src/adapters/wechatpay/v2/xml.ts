import { XMLParser, XMLValidator } from 'fast-xml-parser';
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
  | 'badText';

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

// Entities stay off in the library: we decode the five predefined ones and character references ourselves, so
// nothing can ever expand, and values come back exactly as sent (no number coercion, no trimming).
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '__cdata',
  commentPropName: false,
});

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const isReservedName = (name: string): boolean => name === 'prototype' || name in Object.prototype;
const LEADING_DECLARATION = /^<\?xml[^?]*\?>/;
const CDATA_SECTION = /<!\[CDATA\[[\s\S]*?\]\]>/g;
const REFERENCE = /&(?:#([0-9]{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// Characters XML 1.0 forbids (C0 controls other than tab/LF/CR, and U+FFFE/U+FFFF).
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

type Node = Record<string, unknown>;

/**
 * Parses a flat WeChat document (`<xml><k>v</k>…</xml>`) into a null-prototype map of exact strings. Refuses,
 * before the parser sees anything, oversize bodies, a BOM and every markup declaration (`<!DOCTYPE`, `<!ENTITY`,
 * comments) or processing instruction; then refuses anything ambiguous: several roots, nested or repeated
 * elements, text beside elements, unknown entities. Throws WechatXmlError only.
 */
export function parseWechatXml(body: unknown, options: ParseOptions): WechatFields {
  const root = options.root ?? 'xml';
  if (typeof body !== 'string') throw new WechatXmlError('notText', 'body is not text');
  if (body.length > options.maxBytes || Buffer.byteLength(body, 'utf8') > options.maxBytes) {
    throw new WechatXmlError('oversize', `body exceeds ${options.maxBytes} bytes`);
  }
  if (body.trim() === '') throw new WechatXmlError('empty', 'empty body');
  if (body.charCodeAt(0) === 0xfeff) throw new WechatXmlError('bom', 'byte order mark before the document');
  // Outside CDATA, `<!` is never anything a WeChat message needs: DOCTYPE/ENTITY (XXE, billion laughs) die here.
  // Inside a CDATA section both `<!` and `<?` are plain text (a product name may hold them).
  const markup = body.replace(CDATA_SECTION, '');
  if (markup.includes('<!')) throw new WechatXmlError('declaration', 'DOCTYPE, ENTITY or comment present');
  const trimmed = body.trimStart();
  if (markup.trimStart().replace(LEADING_DECLARATION, '').includes('<?')) {
    throw new WechatXmlError('declaration', 'processing instruction present');
  }
  if (!trimmed.startsWith('<')) throw new WechatXmlError('notXml', 'not an XML document');

  let tree: unknown;
  try {
    const valid = XMLValidator.validate(body);
    if (valid !== true) throw new WechatXmlError('malformed', `malformed XML: ${valid.err.msg}`);
    tree = parser.parse(body);
  } catch (e) {
    if (e instanceof WechatXmlError) throw e;
    throw new WechatXmlError('badName', `unparseable XML: ${e instanceof Error ? e.message : String(e)}`);
  }
  return flatten(tree, root);
}

function flatten(tree: unknown, root: string): WechatFields {
  const top = (Array.isArray(tree) ? tree : []).filter((n: Node) => !isBlankText(n)) as Node[];
  if (top.length !== 1) throw new WechatXmlError('malformed', 'exactly one root element is required');
  const rootNode = top[0] as Node;
  const rootName = tagOf(rootNode);
  if (rootName !== root) throw new WechatXmlError('wrongRoot', `root element must be <${root}>`);

  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const child of asChildren(rootNode[root])) {
    if (isBlankText(child)) continue;
    const name = tagOf(child);
    if (name === '#text' || name === '__cdata') throw new WechatXmlError('malformed', 'text beside elements');
    if (!NAME.test(name) || isReservedName(name)) throw new WechatXmlError('badName', 'illegal element name');
    if (Object.prototype.hasOwnProperty.call(fields, name)) {
      throw new WechatXmlError('duplicate', `element <${name}> appears more than once`);
    }
    fields[name] = leafValue(name, asChildren(child[name]));
  }
  return Object.freeze(fields);
}

function leafValue(name: string, parts: Node[]): string {
  let value = '';
  for (const part of parts) {
    const kind = tagOf(part);
    if (kind === '#text') value += decodeText(String(part['#text']));
    else if (kind === '__cdata')
      value += asChildren(part['__cdata'])
        .map((t) => String(t['#text'] ?? ''))
        .join('');
    else throw new WechatXmlError('nested', `element <${name}> contains elements; WeChat messages are flat`);
  }
  if (FORBIDDEN_CHAR.test(value)) throw new WechatXmlError('badText', `element <${name}> holds a forbidden character`);
  return value;
}

function decodeText(text: string): string {
  if (text.replace(REFERENCE, '').includes('&')) throw new WechatXmlError('badText', 'unknown entity or bare &');
  if (text.includes(']]>')) throw new WechatXmlError('badText', '"]]>" outside CDATA');
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
    if (!allowed) throw new WechatXmlError('badText', 'character reference to a forbidden character');
    return String.fromCodePoint(code);
  });
}

const tagOf = (node: Node): string => Object.keys(node).find((k) => k !== ':@') ?? '';
const asChildren = (value: unknown): Node[] => (Array.isArray(value) ? (value as Node[]) : []);
const isBlankText = (node: Node): boolean => tagOf(node) === '#text' && String(node['#text']).trim() === '';

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
