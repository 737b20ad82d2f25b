import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '../../../src/adapters/console/csv.js';

/** Reads one CSV record back (RFC 4180: quoted fields, doubled quotes), as a spreadsheet does. */
function parseRecord(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let cell = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (line[i] === '"') break;
        else cell += line[i++];
      }
      cells.push(cell);
      i += 2; // the closing quote and the comma
    } else {
      const end = line.indexOf(',', i);
      cells.push(line.slice(i, end === -1 ? line.length : end));
      i = end === -1 ? line.length + 1 : end + 1;
    }
  }
  return cells;
}

describe('CSV cells as a spreadsheet reads them', () => {
  it('neutralises formulas: a cell starting with = + - @ tab or CR gets a leading apostrophe', () => {
    for (const evil of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      expect(parseRecord(csvRow([evil]).replace(/\r\n$/, ''))).toEqual([`'${evil}`]);
    }
    expect(csvRow(['a=1', '12.30', '张三'])).toBe('a=1,12.30,张三\r\n');
  });

  it('quotes what would split a cell or a row', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(undefined)).toBe('');
  });

  test.prop([fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 5 })])(
    'reads back every cell as written, or as written after an apostrophe when it could start a formula',
    (cells) => {
      const line = csvRow(cells);
      expect(line.endsWith('\r\n')).toBe(true);
      const back = parseRecord(line.slice(0, -2));
      expect(back).toEqual(cells.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c)));
      for (const cell of back) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    },
  );
});
