/**
 * The parser attacks of the hostile-notify corpus (reliability checklist 8-15), as XML text built around one
 * validly signed notify. The end-to-end test sends them to the running service; the differential test runs them
 * through both XML readers. Bodies that differ only in HTTP framing (content types, encodings, bytes) stay there.
 */
export interface HostileXmlOptions {
  /** A validly signed notify document (`<xml>…</xml>`) the attacks are wrapped around or injected into. */
  readonly signed: string;
  /** Where an external entity or DTD would be fetched from; nothing may ever reach it. */
  readonly canaryUrl: string;
  /** Another order's number, for a duplicate that would redirect the payment. */
  readonly otherOutTradeNo: string;
}

export type HostileXmlCase = readonly [name: string, body: string];

const inject = (xml: string, extra: string): string => xml.replace('<xml>', `<xml>${extra}`);

function billionLaughs(): string {
  let dtd = '<!DOCTYPE xml [<!ENTITY lol "lol">';
  for (let i = 1; i <= 9; i++) dtd += `<!ENTITY lol${i} "${`&lol${i - 1 || ''};`.repeat(10).replaceAll('&lol0;', '&lol;')}">`;
  return `<?xml version="1.0"?>${dtd}]><xml><return_code>&lol9;</return_code></xml>`;
}

/** The first nine are the parser attacks proper (8, 9), the rest the malformed-document refusals (11-15). */
export function hostileXmlCorpus({ signed, canaryUrl, otherOutTradeNo }: HostileXmlOptions): HostileXmlCase[] {
  return [
    [
      '8: DOCTYPE SYSTEM file:///etc/passwd',
      `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><return_code>&xxe;</return_code></xml>`,
    ],
    ['8: DOCTYPE SYSTEM on a canary URL', `<!DOCTYPE xml SYSTEM "${canaryUrl}/dtd"><xml><return_code>SUCCESS</return_code></xml>`],
    [
      '8: external parameter entity',
      `<!DOCTYPE xml [<!ENTITY % remote SYSTEM "${canaryUrl}/pe">%remote;]><xml><return_code>SUCCESS</return_code></xml>`,
    ],
    ['9: billion laughs', billionLaughs()],
    [
      '9: one big entity expanded many times',
      `<!DOCTYPE xml [<!ENTITY big "${'x'.repeat(8_000)}">]><xml><a>${'&big;'.repeat(500)}</a></xml>`,
    ],
    ['9: multiple DOCTYPEs', `<!DOCTYPE a><!DOCTYPE b><!DOCTYPE c>${signed}`],
    ['9: 2,500 numeric character references in one field (under 16 KB)', inject(signed, `<attach>${'&#65;'.repeat(2_500)}</attach>`)],
    ['9: a comment', inject(signed, '<!-- hi -->')],
    ['9: a processing instruction', inject(signed, '<?php echo 1; ?>')],
    ['11: duplicate <total_fee>', inject(signed, '<total_fee>1</total_fee>')],
    ['11: duplicate <out_trade_no>', inject(signed, `<out_trade_no>${otherOutTradeNo}</out_trade_no>`)],
    ['14: <__proto__>', inject(signed, '<__proto__><polluted>yes</polluted></__proto__>')],
    ['14: <constructor>', inject(signed, '<constructor>x</constructor>')],
    ['14: <toString>', inject(signed, '<toString>x</toString>')],
    ['14: <hasOwnProperty>', inject(signed, '<hasOwnProperty>x</hasOwnProperty>')],
    ['14: <prototype>', inject(signed, '<prototype>x</prototype>')],
    ['15: empty body', ''],
    ['15: whitespace only', ' \n\t '],
    ['15: truncated XML', signed.slice(0, 200)],
    ['15: a byte order mark before the document', `\uFEFF${signed}`],
    ['15: nested elements', inject(signed, '<detail><a>1</a></detail>')],
    ['15: text beside elements', signed.replace('<xml>', '<xml>hello')],
    ['15: two roots', `${signed}<xml></xml>`],
    ['15: another root element', signed.replace(/^<xml>/, '<root>').replace(/<\/xml>$/, '</root>')],
    ['15: a forbidden control character', inject(signed, '<attach>a\u0001b</attach>')],
  ];
}
