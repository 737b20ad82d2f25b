import { describe, expect, it } from 'vitest';
import { SimXmlError, simParseXml, simXml, type SimXmlReason } from '../../../../src/sandbox/simulator/codec/index.js';

const parse = (body: unknown, root?: string): Record<string, string> =>
  simParseXml(body, { maxBytes: 16 * 1024, ...(root === undefined ? {} : { root }) });

function refusal(body: unknown, root?: string): SimXmlReason | 'accepted' {
  try {
    parse(body, root);
    return 'accepted';
  } catch (e) {
    expect(e).toBeInstanceOf(SimXmlError);
    return (e as SimXmlError).reason;
  }
}

describe('simParseXml reads WeChat documents exactly', () => {
  it('keeps values as strings, untrimmed, with CDATA, references and text joined', () => {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n<xml>\n  <appid><![CDATA[wx1]]></appid>\n  <total_fee>0100</total_fee>\n' +
      '  <exp>1e3</exp><sp><![CDATA[ 100 ]]></sp><bare> 1 </bare><ref>a&amp;b&lt;c&gt;&quot;&apos;&#65;&#x4e2d;&#x1F600;</ref>' +
      '<mix>x<![CDATA[<&>]]>y&amp;<![CDATA[]]></mix><empty></empty><self/><selfsp\t/><zh>支付</zh></xml>\n';
    expect(Object.entries(parse(body))).toEqual([
      ['appid', 'wx1'],
      ['total_fee', '0100'],
      ['exp', '1e3'],
      ['sp', ' 100 '],
      ['bare', ' 1 '],
      ['ref', 'a&b<c>"\'A中😀'],
      ['mix', 'x<&>y&'],
      ['empty', ''],
      ['self', ''],
      ['selfsp', ''],
      ['zh', '支付'],
    ]);
  });

  it('returns a frozen null-prototype map, so names like __proto__ are plain data', () => {
    const fields = parse('<xml><__proto__>1</__proto__><constructor>2</constructor><toString>3</toString></xml>');
    expect(Object.getPrototypeOf(fields)).toBeNull();
    expect(Object.isFrozen(fields)).toBe(true);
    expect(Object.entries(fields)).toEqual([
      ['__proto__', '1'],
      ['constructor', '2'],
      ['toString', '3'],
    ]);
  });

  it('accepts <xml/>, a custom root, space inside tags and whitespace around the document', () => {
    expect(Object.keys(parse('<xml/>'))).toEqual([]);
    expect(Object.keys(parse(' \n<xml></xml>\r\n'))).toEqual([]);
    expect(parse('<root><a>1</a></root>', 'root').a).toBe('1');
    expect(parse('<xml ><a >1</a\n></xml\t>').a).toBe('1');
  });

  it('turns CRLF and CR into LF as every XML parser must (§2.11), but keeps a CR written as &#13;', () => {
    expect(parse('<xml><a>1\r\n2\r3</a><b><![CDATA[x\r\ny]]></b><c>&#13;&#xD;</c></xml>')).toEqual(
      Object.assign(Object.create(null), { a: '1\n2\n3', b: 'x\ny', c: '\r\r' }),
    );
  });
});

describe('simParseXml refuses what WeChat answers with "XML格式错误"', () => {
  const cases: ReadonlyArray<readonly [string, unknown, SimXmlReason]> = [
    ['a non-string body', Buffer.from('<xml/>'), 'notText'],
    ['undefined', undefined, 'notText'],
    ['an empty body', '', 'empty'],
    ['only whitespace', ' \r\n\t', 'empty'],
    ['only a declaration', '<?xml version="1.0"?>', 'empty'],
    ['T15: DOCTYPE with an external entity', '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "http://x/">]><foo><value>&xxe;</value></foo>', 'markup'],
    ['an internal DTD (billion laughs)', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><a>&a;</a></xml>', 'markup'],
    ['an undeclared entity', '<xml><a>&xxe;</a></xml>', 'malformed'],
    ['an HTML entity', '<xml><a>&nbsp;</a></xml>', 'malformed'],
    ['a bare ampersand', '<xml><a>a&b</a></xml>', 'malformed'],
    ['a reference without ";"', '<xml><a>&amp</a></xml>', 'malformed'],
    ['a comment', '<xml><!-- hi --><a>1</a></xml>', 'markup'],
    ['a comment inside a field', '<xml><a>1<!-- hi --></a></xml>', 'markup'],
    ['a processing instruction', '<xml><?php x ?><a>1</a></xml>', 'markup'],
    ['a declaration not at the very start', ' <?xml version="1.0"?><xml/>', 'markup'],
    ['a stylesheet PI', '<?xml-stylesheet href="x"?><xml/>', 'markup'],
    ['CDATA directly in the root', '<xml><![CDATA[x]]></xml>', 'markup'],
    ['a nested element', '<xml><a><b>1</b></a></xml>', 'nested'],
    ['a duplicate field', '<xml><a>1</a><a>2</a></xml>', 'duplicate'],
    ['a duplicate empty field', '<xml><a/><a></a></xml>', 'duplicate'],
    ['an attribute', '<xml><a x="1">1</a></xml>', 'malformed'],
    ['an attribute on the root', '<xml id="1"><a>1</a></xml>', 'malformed'],
    ['a mismatched end tag', '<xml><a>1</b></xml>', 'malformed'],
    ['a longer end tag', '<xml><a>1</ab></xml>', 'malformed'],
    ['an unclosed field', '<xml><a>1', 'malformed'],
    ['an unclosed root', '<xml><a>1</a>', 'malformed'],
    ['an unterminated CDATA', '<xml><a><![CDATA[1</a></xml>', 'malformed'],
    ['"]]>" in text', '<xml><a>x]]>y</a></xml>', 'malformed'],
    ['text beside fields', '<xml>x<a>1</a></xml>', 'malformed'],
    ['non-XML space beside fields', '<xml>\u00a0<a>1</a></xml>', 'malformed'],
    ['two roots', '<xml></xml><xml></xml>', 'malformed'],
    ['content after the root', '<xml></xml>junk', 'malformed'],
    ['a byte order mark', '\uFEFF<xml/>', 'malformed'],
    ['a wrong root', '<root><a>1</a></root>', 'root'],
    ['a root of the same prefix', '<xmlx></xmlx>', 'root'],
    ['a name with a hyphen', '<xml><a-b>1</a-b></xml>', 'name'],
    ['a name starting with a digit', '<xml><1a>1</1a></xml>', 'name'],
    ['a namespaced name', '<xml><x:a>1</x:a></xml>', 'name'],
    ['an empty name', '<xml><>1</></xml>', 'name'],
    ['a raw control character', '<xml><a>\u0001</a></xml>', 'char'],
    ['U+FFFF', '<xml><a>\uFFFF</a></xml>', 'char'],
    ['an unpaired surrogate', '<xml><a>\uD800</a></xml>', 'char'],
    ['a reference to NUL', '<xml><a>&#0;</a></xml>', 'char'],
    ['a reference to a control character', '<xml><a>&#x1b;</a></xml>', 'char'],
    ['a reference to a surrogate', '<xml><a>&#xD800;</a></xml>', 'char'],
    ['a reference beyond Unicode', '<xml><a>&#x110000;</a></xml>', 'char'],
  ];
  it.each(cases)('%s', (_, body, reason) => {
    expect(refusal(body)).toBe(reason);
  });

  it('counts maxBytes in UTF-8 bytes', () => {
    const body = '<xml><a>支付</a></xml>'; // 18 ASCII bytes + 2 × 3, though only 20 UTF-16 units
    expect(simParseXml(body, { maxBytes: 24 }).a).toBe('支付');
    expect(() => simParseXml(body, { maxBytes: 23 })).toThrow(expect.objectContaining({ reason: 'oversize' }));
  });

  it('throws only SimXmlError, with the reason in the message and never the body', () => {
    const error = (() => {
      try {
        parse('<xml><secret>s3cr3t</secret><secret>x</secret></xml>');
      } catch (e) {
        return e as SimXmlError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SimXmlError);
    expect(error?.name).toBe('SimXmlError');
    expect(error?.message).toMatch(/^duplicate: /);
    expect(error?.message).not.toContain('s3cr3t');
  });
});

describe('simXml', () => {
  it('writes every value in CDATA, in order, without undefined', () => {
    expect(simXml({ return_code: 'SUCCESS', total_fee: '1', skipped: undefined, empty: '' })).toBe(
      '<xml><return_code><![CDATA[SUCCESS]]></return_code><total_fee><![CDATA[1]]></total_fee><empty><![CDATA[]]></empty></xml>',
    );
  });

  it('splits "]]>" across sections and writes CR as a reference', () => {
    expect(simXml({ a: 'x]]>y', b: 'a\r\nb' }, 'root')).toBe(
      '<root><a><![CDATA[x]]]]><![CDATA[>y]]></a><b><![CDATA[a]]>&#13;<![CDATA[\nb]]></b></root>',
    );
  });

  it('refuses names and characters XML cannot carry', () => {
    expect(() => simXml({ 'a-b': '1' })).toThrow(RangeError);
    expect(() => simXml({ '': '1' })).toThrow(RangeError);
    expect(() => simXml({ a: '\u0000' })).toThrow(RangeError);
    expect(() => simXml({ a: '\uDC00' })).toThrow(RangeError);
    expect(() => simXml({}, 'x y')).toThrow(RangeError);
  });
});
