import type { SimFields } from './sign.js';
import { NAME, NOT_XML_CHAR } from './xml.js';

// The simulator's own writer for WeChat's flat XML, independent of the client's `../../xml.ts` (which writes bare
// digits and CDATA otherwise); its output is what simParseXml, and any XML parser, reads back exactly.

/**
 * Writes `<root><name><![CDATA[value]]></name>…</root>` in the fields' order, leaving `undefined` out. A `]]>` in a
 * value ends the section between `]]` and `>` and opens another; a CR leaves CDATA as `&#13;`, since a parser turns
 * a raw CR into LF (XML 1.0 §2.11). So every string XML can carry reads back exactly, and the signature computed
 * over it still holds. Bad names or characters throw here rather than produce a broken message.
 */
export function simXml(fields: SimFields, root = 'xml'): string {
  if (!NAME.test(root)) throw new RangeError(`illegal root name: ${root}`);
  let out = `<${root}>`;
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (!NAME.test(name)) throw new RangeError(`illegal element name: ${name}`);
    if (NOT_XML_CHAR.test(value)) throw new RangeError(`value of ${name} holds a character XML cannot carry`);
    const cdata = value.split(']]>').join(']]]]><![CDATA[>').split('\r').join(']]>&#13;<![CDATA[');
    out += `<${name}><![CDATA[${cdata}]]></${name}>`;
  }
  return `${out}</${root}>`;
}
