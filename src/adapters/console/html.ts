/**
 * HTML built only through the `html` tag: every interpolated value is escaped unless it is already `Html` (the
 * result of another `html` tag). There is no way to mark a string as trusted, so text from the database, the
 * request or an error message can never become markup.
 */
const MINT = Symbol('html');

export class Html {
  /** Only this module can make one (the symbol is not exported): the text is markup, escaped where it had to be. */
  constructor(
    mint: symbol,
    readonly text: string,
  ) {
    if (mint !== MINT) throw new TypeError('Html is made by the html tag only');
  }

  toString(): string {
    return this.text;
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export const escapeHtml = (text: string): string => text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);

/** What may be interpolated: nested Html (kept), text and numbers (escaped), nothing (empty), or a list of these. */
export type Interpolation = Html | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return (value as readonly Interpolation[]).map(render).join('');
  if (value === null || value === undefined || value === false || value === true) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly Interpolation[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(MINT, out);
}

export const EMPTY = html``;

export const joinHtml = (parts: readonly Html[], separator: Html = EMPTY): Html =>
  new Html(MINT, parts.map((p) => p.text).join(separator.text));

/** A path under /console with each segment percent-encoded and a query string built from the given pairs. */
export function href(path: readonly (string | number)[], query: Readonly<Record<string, string | number | undefined>> = {}): string {
  const segments = path.map((s) => encodeURIComponent(String(s))).join('/');
  const pairs = Object.entries(query).filter(([, v]) => v !== undefined && v !== '') as [string, string | number][];
  const search = new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, String(v)])).toString();
  return `/console${segments ? `/${segments}` : ''}${search ? `?${search}` : ''}`;
}
