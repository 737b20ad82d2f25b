/**
 * The single-pass XML reader against the fast-xml-parser based one it replaced (test/support/reference-wechat-xml):
 * on the hostile-notify corpus, on the bench's bodies and on random flat documents and random mutations of them,
 * both accept the same documents with the same fields and refuse the same ones (oversize told apart, as callers
 * answer it with 413). The new reader never accepts what the old one refused. The old one accepted some malformed
 * documents the new one refuses, and only these (each recognised below from the body, not from either reader):
 * attributes (dropped silently; WeChat never sends any), a `<` inside the XML declaration, a space XML does not
 * know (NBSP, BOM, U+3000…) inside a tag, which the old reader trimmed from tag names, `&` after the root, and an
 * end tag closed with `/>`.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { WechatXmlError, parseWechatXml, type XmlRejection } from '../../../../src/adapters/wechatpay/v2/xml.js';
import { hostileXmlCorpus } from '../../../support/hostile-xml-corpus.js';
import { referenceParseWechatXml } from '../../../support/reference-wechat-xml.js';
import { paymentNotifyFields, signedNotifyXml } from '../../../support/wechat-test-signer.js';

type Verdict = { readonly ok: true; readonly fields: Record<string, string> } | { readonly ok: false; readonly reason: XmlRejection };

function verdict(read: typeof parseWechatXml, body: string, maxBytes: number, root?: string): Verdict {
  try {
    return { ok: true, fields: { ...read(body, { maxBytes, ...(root === undefined ? {} : { root }) }) } };
  } catch (e) {
    expect(e).toBeInstanceOf(WechatXmlError);
    return { ok: false, reason: (e as WechatXmlError).reason };
  }
}

const LEADING_PI = /^[ \t\r\n]*<\?[^]*?\?>/;
const ATTRIBUTE = /<[A-Za-z][A-Za-z0-9_]*[ \t\r\n]+[^ \t\r\n/>]/;
/** A space JavaScript trims but XML does not know (NBSP, BOM, ideographic space…) inside a tag. */
const FOREIGN_SPACE_IN_TAG = /<[^<>]*[\v\f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff][^<>]*>/;
/** Text after the root end tag made only of references and `&`, which the old reader's validator let through. */
const TEXT_AFTER_ROOT = />[^<>]*&[^<>]*$/;
/** `</a/>`, which the old reader's validator took for an empty element and its parser ignored. */
const SELF_CLOSED_END_TAG = /<\/[^<>]*\/>/;
/** The refusals the old reader did not make, each recognised here from the body, not from the reader. */
function isDeliberateTightening(body: string, reason: XmlRejection): boolean {
  if (reason === 'attribute') return ATTRIBUTE.test(body);
  if (reason === 'declaration' && (LEADING_PI.exec(body)?.[0] ?? '').trimStart().slice(1).includes('<')) return true;
  return FOREIGN_SPACE_IN_TAG.test(body) || TEXT_AFTER_ROOT.test(body) || SELF_CLOSED_END_TAG.test(body);
}

/** Same verdict, same fields; where they differ, only a deliberate tightening, never a new acceptance. */
function expectSameVerdict(body: string, maxBytes = 16 * 1024, root?: string): Verdict {
  const single = verdict(parseWechatXml, body, maxBytes, root);
  const reference = verdict(referenceParseWechatXml, body, maxBytes, root);
  if (single.ok && reference.ok) expect(single.fields).toEqual(reference.fields);
  else if (!single.ok && !reference.ok) expect(single.reason === 'oversize').toBe(reference.reason === 'oversize');
  else {
    expect(single.ok, `the single-pass reader accepted what the reference refused: ${JSON.stringify(body)}`).toBe(false);
    expect(isDeliberateTightening(body, (single as { reason: XmlRejection }).reason), JSON.stringify(body)).toBe(true);
  }
  return single;
}

const signed = signedNotifyXml(paymentNotifyFields({ attach: 'a <b> & "c" ]]> 中文' }));

describe('the hostile-notify corpus, through both readers', () => {
  it.each(hostileXmlCorpus({ signed, canaryUrl: 'http://127.0.0.1:1', otherOutTradeNo: '2026011512000000020000000009' }))(
    '%s: refused by both, for the same reason',
    (_name, body) => {
      const single = verdict(parseWechatXml, body, 16 * 1024);
      const reference = verdict(referenceParseWechatXml, body, 16 * 1024);
      expect(single.ok).toBe(false);
      expect(single).toEqual(reference);
    },
  );

  it('the genuine notify: accepted by both with the same fields', () => {
    expect(expectSameVerdict(signed)).toMatchObject({ ok: true, fields: { attach: 'a <b> & "c" ]]> 中文' } });
  });

  it.each([
    ['100k numeric references', `<xml><attach>${'&#65;'.repeat(100_000)}</attach></xml>`],
    ['16 KB of elements', `<xml>${'<a>1</a>'.repeat(2_400)}</xml>`],
    ['multiple DOCTYPEs', `<!DOCTYPE a><!DOCTYPE b><xml><a>1</a></xml>`],
  ])('the bench body %s: same verdict', (_name, body) => {
    expect(expectSameVerdict(body).ok).toBe(false);
  });
});

// Random flat documents, near the grammar's edges: names that are legal, reserved or odd; values of text, references
// (good and bad), CDATA, line breaks, controls and unicode; optional declaration, layout and self-closed fields.
const fieldName = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('a', 'b', 'sign', 'constructor', 'toString', '__proto__', 'prototype', 'A1_', '_a', 'a-b', 'a:b', '中'),
  },
);
const textPiece = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 4 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '&amp;',
      '&lt;',
      '&gt;',
      '&quot;',
      '&apos;',
      '&#65;',
      '&#x4e2d;',
      '&#13;',
      '&#0;',
      '&#x110000;',
      '&#xFFFE;',
      '&#;',
      '&#x;',
      '&foo;',
      '&',
      '& ',
      '&amp',
      '&#00000065;',
      ']]>',
      ']]',
      '>',
      '"',
      "'",
      '\r\n',
      '\r',
      '\n',
      '\t',
      ' ',
      '\u0001',
      '\u00a0',
      '\u3000',
      '\uFEFF',
      '\uFFFE',
      '中',
      '😀',
    ),
  },
);
const cdata = fc.string({ maxLength: 6 }).map((text) => `<![CDATA[${text.replaceAll(']]>', '')}]]>`);
const value = fc
  .array(fc.oneof({ weight: 3, arbitrary: textPiece }, { weight: 1, arbitrary: cdata }), { maxLength: 5 })
  .map((parts) => parts.join(''));
const layout = fc.constantFrom('', '', '', ' ', '\n', '\r\n  ', '\t', '\u00a0');
const field = fc
  .tuple(fieldName, value, fc.constantFrom('>', ' >', '\n>'), fc.boolean(), layout)
  .map(([name, text, close, selfClosed, space]) =>
    selfClosed && text === '' ? `${space}<${name}/>` : `${space}<${name}${close}${text}</${name}${close}`,
  );
const document = fc
  .tuple(
    fc.constantFrom('', '', '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?>\n', '<?xml?>', ' <?xml version="1.0"?>'),
    layout,
    fc.constantFrom('xml', 'xml', 'xml', 'root'),
    fc.array(field, { maxLength: 6 }),
    layout,
    fc.constantFrom('', '\n', '  '),
  )
  .map(
    ([declaration, before, root, fields, inside, after]) => `${declaration}${before}<${root}>${fields.join('')}${inside}</${root}>${after}`,
  );

// Mutations: a token of markup or a hostile fragment inserted anywhere, a slice removed or repeated.
const token = fc.constantFrom(
  '<',
  '>',
  '/',
  '&',
  '<!--x-->',
  '<!DOCTYPE x>',
  '<!ENTITY e "x">',
  '<?pi x?>',
  '<?xml?>',
  '<![CDATA[',
  ']]>',
  '<![CDATA[y]]>',
  '</a>',
  '<a>',
  '<b/>',
  '<a>1</a>',
  ' x="1"',
  " y='2'",
  ' z',
  '=',
  '"',
  '\u0001',
  '\r',
  '\u00a0',
  '\uFEFF',
  'junk',
  '<xml>',
  '</xml>',
  ' ',
);
type Mutation = { kind: 'insert'; at: number; text: string } | { kind: 'remove' | 'repeat'; at: number; length: number };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: token }),
  fc.record({ kind: fc.constantFrom('remove' as const, 'repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
);
function mutate(body: string, m: Mutation): string {
  const at = m.at % (body.length + 1);
  if (m.kind === 'insert') return body.slice(0, at) + m.text + body.slice(at);
  if (m.kind === 'remove') return body.slice(0, at) + body.slice(at + m.length);
  return body.slice(0, at + m.length) + body.slice(at, at + m.length) + body.slice(at + m.length);
}

describe('random flat documents and their mutations, through both readers', () => {
  test.prop([document], { numRuns: 3000 })('a flat document: same verdict and fields', (body) => {
    expectSameVerdict(body);
    expectSameVerdict(body, 16 * 1024, 'root');
  });

  test.prop([document, fc.array(mutation, { minLength: 1, maxLength: 3 })], { numRuns: 6000 })(
    'a mutated document: same verdict and fields, or a deliberate tightening',
    (body, mutations) => {
      expectSameVerdict(mutations.reduce(mutate, body));
    },
  );

  test.prop([document, fc.integer({ min: 0, max: 300 })], { numRuns: 500 })('the size limit cuts both alike', (body, maxBytes) => {
    expectSameVerdict(body, maxBytes);
  });
});
