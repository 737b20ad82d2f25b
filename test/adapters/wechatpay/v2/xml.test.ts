import { describe, expect, it } from 'vitest';
import { WechatXmlError, buildWechatXml, parseWechatXml, type XmlRejection } from '../../../../src/adapters/wechatpay/v2/xml.js';
import { simParseXml } from '../../../../src/sandbox/simulator/codec/xml.js';
import { referenceParseWechatXml } from '../../../support/reference-wechat-xml.js';

// The single-pass reader and the fast-xml-parser based one it replaced answer every case alike, reasons included.
describe.each([
  ['single-pass', parseWechatXml],
  ['fast-xml-parser reference', referenceParseWechatXml],
])('parseWechatXml (%s)', (_reader, parseWith) => {
  const parse = (body: unknown, root?: string) => parseWith(body, { maxBytes: 16 * 1024, ...(root ? { root } : {}) });

  function rejection(body: unknown): XmlRejection | undefined {
    try {
      parse(body);
      return undefined;
    } catch (e) {
      expect(e).toBeInstanceOf(WechatXmlError);
      return (e as WechatXmlError).reason;
    }
  }

  it('reads CDATA and plain values as exact strings, never numbers', () => {
    const fields = parse(
      '<?xml version="1.0" encoding="UTF-8"?>\n<xml>\n  <appid><![CDATA[wx1]]></appid>\n  <total_fee>0100</total_fee>\n' +
        '  <exp>1e3</exp><sp><![CDATA[ 100 ]]></sp><amp>a&amp;b&lt;c&#65;&#x4e2d;</amp><empty></empty><self/></xml>',
    );
    expect({ ...fields }).toEqual({
      appid: 'wx1',
      total_fee: '0100',
      exp: '1e3',
      sp: ' 100 ',
      amp: 'a&b<cA中',
      empty: '',
      self: '',
    });
  });

  it('returns a frozen null-prototype map', () => {
    const fields = parse('<xml><a>1</a></xml>');
    expect(Object.getPrototypeOf(fields)).toBeNull();
    expect(Object.isFrozen(fields)).toBe(true);
  });

  it('joins CDATA sections split around "]]>"', () => {
    expect(parse('<xml><a><![CDATA[x]]]]><![CDATA[>y]]></a></xml>').a).toBe('x]]>y');
  });

  it.each<[string, unknown, XmlRejection]>([
    ['not a string', Buffer.from('<xml/>'), 'notText'],
    ['empty', '', 'empty'],
    ['whitespace', '  \n', 'empty'],
    ['BOM', '\uFEFF<xml><a>1</a></xml>', 'bom'],
    ['JSON', '{"return_code":"SUCCESS"}', 'notXml'],
    ['plain text', 'success', 'notXml'],
    ['truncated', '<xml><a>1</a>', 'malformed'],
    ['truncated tag', '<xml><a>1</a', 'malformed'],
    ['text after the root', '<xml><a>1</a></xml>junk', 'malformed'],
    ['two roots', '<xml><a>1</a></xml><xml><a>2</a></xml>', 'malformed'],
    ['wrong root', '<root><a>1</a></root>', 'wrongRoot'],
    ['nested element', '<xml><a><b>1</b></a></xml>', 'nested'],
    ['duplicate element', '<xml><total_fee>1</total_fee><total_fee>100</total_fee></xml>', 'duplicate'],
    ['text beside elements', '<xml>hi<a>1</a></xml>', 'malformed'],
    ['__proto__ tag', '<xml><__proto__>1</__proto__></xml>', 'badName'],
    ['constructor tag', '<xml><constructor>1</constructor></xml>', 'badName'],
    ['toString tag', '<xml><toString>1</toString></xml>', 'badName'],
    ['hasOwnProperty tag', '<xml><hasOwnProperty>1</hasOwnProperty></xml>', 'badName'],
    ['unknown entity', '<xml><a>&foo;</a></xml>', 'badText'],
    ['bare ampersand', '<xml><a>a & b</a></xml>', 'malformed'],
    ['NUL character', '<xml><a>\u0000</a></xml>', 'badText'],
    ['reference to NUL', '<xml><a>&#0;</a></xml>', 'badText'],
    ['comment', '<xml><!-- hi --><a>1</a></xml>', 'declaration'],
    ['processing instruction', '<xml><?php echo 1 ?><a>1</a></xml>', 'declaration'],
    ['oversize', `<xml><a>${'x'.repeat(16 * 1024)}</a></xml>`, 'oversize'],
    ['oversize in bytes only', `<xml><a>${'中'.repeat(6000)}</a></xml>`, 'oversize'],
  ])('rejects %s', (_name, body, reason) => {
    expect(rejection(body)).toBe(reason);
  });

  it('T15: an external-entity document is refused before parsing, with no network or file access', () => {
    const xxe = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/leak">]><foo><value>&xxe;</value></foo>';
    expect(rejection(xxe)).toBe('declaration');
    expect(rejection('<?xml version="1.0"?><!doctype xml SYSTEM "file:///etc/passwd"><xml><a>1</a></xml>')).toBe('declaration');
  });

  it('reads `<!` and `<?` inside CDATA as text (a product name may hold them), and still refuses them outside', () => {
    expect({ ...parse('<xml><body><![CDATA[<!-- x --> <?php ?> <!DOCTYPE]]></body></xml>') }).toEqual({
      body: '<!-- x --> <?php ?> <!DOCTYPE',
    });
    expect(() => parse('<xml><a><![CDATA[x]]></a><!-- comment --></xml>')).toThrow(/DOCTYPE, ENTITY or comment/);
    expect(() => parse('<xml><a><![CDATA[x]]></a><?pi x?></xml>')).toThrow(/processing instruction/);
  });

  it('refuses a root other than the expected one and accepts <root> when asked', () => {
    expect(parse('<root><a>1</a></root>', 'root').a).toBe('1');
  });
});

const parse = (body: unknown, root?: string) => parseWechatXml(body, { maxBytes: 16 * 1024, ...(root ? { root } : {}) });

describe('buildWechatXml', () => {
  it('wraps text in CDATA, leaves digits bare, skips undefined', () => {
    expect(buildWechatXml({ appid: 'wx1', total_fee: '100', attach: undefined, body: '<b>&' })).toBe(
      '<xml><appid><![CDATA[wx1]]></appid><total_fee>100</total_fee><body><![CDATA[<b>&]]></body></xml>',
    );
  });

  it('escapes "]]>" so the value survives a round trip', () => {
    const fields = { body: 'a]]>b]]>', detail: ']]>' };
    expect({ ...parse(buildWechatXml(fields)) }).toEqual(fields);
  });

  it('round-trips arbitrary printable text', () => {
    const fields = { body: '商家名称-商品类目 "quoted" \'single\' <tag> & 100%', empty: '' };
    expect({ ...parse(buildWechatXml(fields)) }).toEqual(fields);
  });

  it('writes a CR as &#13; (any parser turns a raw one, even in CDATA, into LF) so the value is signed as sent', () => {
    const fields = { attach: 'line1\r\nline2\r', body: 'a\r<b>&]]>' };
    const xml = buildWechatXml(fields);
    expect(xml).not.toContain('\r');
    expect({ ...parse(xml) }).toEqual(fields);
    expect({ ...simParseXml(xml, { maxBytes: 4096 }) }).toEqual(fields);
  });

  it('refuses names and characters XML cannot carry', () => {
    expect(() => buildWechatXml({ 'bad name': 'x' })).toThrow(RangeError);
    expect(() => buildWechatXml({ __proto__x: 'x' })).toThrow(RangeError);
    expect(() => buildWechatXml({ a: 'x\u0001' })).toThrow(RangeError);
  });
});
