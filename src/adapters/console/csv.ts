import type { ConsoleResponse } from './context.js';

/** Excel reads a CSV file as the system's code page unless it starts with the UTF-8 byte order mark. */
export const UTF8_BOM = '\uFEFF';

/**
 * One cell. A cell a spreadsheet would take for a formula (= + - @, or a tab or carriage return before one) gets a
 * leading apostrophe, so an order's reason or a goods name typed as `=HYPERLINK(…)` stays text (CSV injection).
 * Cells holding a comma, a quote or a line break are quoted, quotes doubled (RFC 4180).
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvRow = (cells: readonly (string | number | undefined)[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** Resolves when the client has taken what was written (true), or false when it went away. */
function drained(res: ConsoleResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/**
 * Sends a CSV file as it is read: each page of rows is written as soon as it arrives, and the next page is read only
 * once the client has taken the last (back-pressure), so a month of orders never sits in memory whole. The length is
 * not known in advance: the answer is chunked. A failure after the first bytes cuts the connection, so a partial
 * file is never mistaken for a whole one.
 */
export async function sendCsv(
  res: ConsoleResponse,
  fileName: string,
  header: readonly string[],
  pages: AsyncIterable<readonly (readonly (string | number | undefined)[])[]>,
): Promise<void> {
  res.status(200);
  res.set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${fileName}"`,
  });
  try {
    if (!res.write(UTF8_BOM + csvRow(header)) && !(await drained(res))) return;
    for await (const rows of pages) {
      if (res.destroyed) return;
      if (rows.length === 0) continue;
      if (!res.write(rows.map(csvRow).join('')) && !(await drained(res))) return;
    }
    res.end();
  } catch (error) {
    res.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}
