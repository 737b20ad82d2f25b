/**
 * The tree-based reader parseWechatXml replaced (fast-xml-parser's validator and parser, then checks of the
 * tree), kept verbatim as the reference the single-pass reader is held to by the differential tests. Test-only.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { WechatFields } from '../../src/adapters/wechatpay/v2/sign.js';
import { WechatXmlError, type ParseOptions } from '../../src/adapters/wechatpay/v2/xml.js';

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
export function referenceParseWechatXml(body: unknown, options: ParseOptions): WechatFields {
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
