import { fc, test } from '@fast-check/vitest';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect } from 'vitest';
import { SimXmlError, simParseXml, simXml } from '../../../../src/sandbox/simulator/codec/index.js';
import { plugin } from './plugin.js';

const MAX = 1024 * 1024;
const read = (body: string, root?: string): Array<[string, string]> =>
  Object.entries(simParseXml(body, { maxBytes: MAX, ...(root === undefined ? {} : { root }) }));

// XML 1.0 Char, checked here by code point, independently of the codec's regular expression.
const isXmlChar = (cp: number): boolean =>
  cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || cp >= 0x10000;
const xmlChar = fc
  .oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    { weight: 2, arbitrary: fc.constantFrom(']]>', ']]', ']', '>', '<', '&', '&amp;', '<![CDATA[', ' ', '\t', '\n', '\r', '\r\n') },
    { weight: 1, arbitrary: fc.constantFrom('中', '😀', '\uFEFF', '"', "'", '=', '/>', '</a>', '<!--', '<?') },
  )
  .filter((s) => [...s].every((ch) => isXmlChar(ch.codePointAt(0) as number)));
const xmlValue = fc.oneof(fc.string({ unit: xmlChar, maxLength: 12 }), fc.constantFrom('', ' ', ' 1 ', '007', '1e3'));
const fieldName = fc.oneof(
  { weight: 5, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/) },
);
const entries = (name: fc.Arbitrary<string>, value: fc.Arbitrary<string>) =>
  fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 10 });
const lf = (text: string): string => text.replace(/\r\n?/g, '\n');

describe('simXml → simParseXml', () => {
  test.prop([entries(fc.oneof(fieldName, fc.constantFrom('__proto__', 'constructor', 'sign')), xmlValue), fc.constantFrom('xml', 'root')], {
    numRuns: 500,
  })('round-trips names, order and exact values (]]>, &, <, CR, unicode, edge spaces)', (pairs, root) => {
    // Object.fromEntries defines own properties, so even "__proto__" is a field here.
    expect(read(simXml(Object.fromEntries(pairs), root), root)).toEqual(pairs);
  });

  test.prop([entries(fieldName, xmlValue)])('writes a document fast-xml-parser validates as well-formed', (pairs) => {
    expect(XMLValidator.validate(simXml(Object.fromEntries(pairs)))).toBe(true);
  });
});

describe('against wechatpay-axios-plugin (fast-xml-parser builder and parser)', () => {
  const plain = xmlValue.filter((v) => !v.includes(']]>'));

  test.prop([entries(fieldName, plain)], { numRuns: 500 })('we read what its builder writes (CR read as LF, §2.11)', (pairs) => {
    const body = plugin.Transformer.toXml(Object.fromEntries(pairs));
    expect(read(body)).toEqual(pairs.map(([n, v]) => [n, lf(v)]));
  });

  // Its builder puts such a value in one CDATA section unsplit, which ends early. The result is mostly broken (we
  // refuse it); when it happens to be well-formed (`]]><![CDATA[` inside), we read what the XML says, as WeChat
  // would: the value the plugin meant is lost either way. A plugin bug, pinned here so the behaviour is known.
  test.prop([entries(fieldName, plain), fieldName, plain, plain])(
    'its unescaped "]]>" output is refused or read as XML',
    (pairs, n, a, b) => {
      const fields = { ...Object.fromEntries(pairs), [n]: `${a}]]>${b}` };
      const body = plugin.Transformer.toXml(fields);
      try {
        const value = simParseXml(body, { maxBytes: MAX })[n];
        expect(XMLValidator.validate(body)).toBe(true);
        expect(value).not.toBe(fields[n]);
      } catch (e) {
        expect(e).toBeInstanceOf(SimXmlError);
      }
    },
  );

  // Its parser does not decode character references (processEntities covers named entities only), so a CR,
  // which we must write as &#13;, is left out here.
  test.prop(
    [
      entries(
        fieldName,
        plain.filter((v) => !v.includes('\r')),
      ),
    ],
    { numRuns: 500 },
  )('its parser reads what we write', (pairs) => {
    const object = plugin.Transformer.toObject(simXml(Object.fromEntries(pairs)));
    expect(Object.entries(object ?? {})).toEqual(pairs);
  });
});

describe('simParseXml on hostile input', () => {
  const outcome = (body: string): 'refused' | Array<[string, string]> => {
    try {
      return read(body);
    } catch (e) {
      if (!(e instanceof SimXmlError)) throw e;
      return 'refused';
    }
  };
  const fragment = fc.constantFrom(
    '<',
    '>',
    '/',
    '&',
    ';',
    ']]>',
    '<![CDATA[',
    '<!DOCTYPE x>',
    '<!ENTITY e "x">',
    '&e;',
    '<!--',
    '-->',
    '<?x?>',
    '<a>',
    '</a>',
    '<b/>',
    '<xml>',
    '</xml>',
    ' x="1"',
    '&#0;',
    '&#x41;',
    '\u0000',
    '\r',
    '\uFEFF',
    '\uD800',
  );
  const mutated = fc
    .tuple(entries(fieldName, xmlValue), fc.array(fc.tuple(fc.nat(), fc.nat(8), fragment), { minLength: 1, maxLength: 3 }))
    .map(([pairs, edits]) =>
      edits.reduce(
        (doc, [at, cut, piece]) => {
          const i = at % (doc.length + 1);
          return doc.slice(0, i) + piece + doc.slice(i + cut);
        },
        simXml(Object.fromEntries(pairs)),
      ),
    );

  test.prop([fc.oneof(mutated, fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: fragment, maxLength: 12 }))], {
    numRuns: 2000,
  })('throws nothing but SimXmlError, and accepts only well-formed, re-writable documents', (body) => {
    const result = outcome(body);
    if (result === 'refused') return;
    expect(XMLValidator.validate(body)).toBe(true);
    expect(read(simXml(Object.fromEntries(result)))).toEqual(result);
  });
});
