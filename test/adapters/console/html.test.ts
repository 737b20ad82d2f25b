import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { escapeHtml, href, html, Html, joinHtml } from '../../../src/adapters/console/html.js';
import { translator } from '../../../src/adapters/console/i18n.js';
import { goodsListPage, EMPTY_GOODS_FORM } from '../../../src/adapters/console/pages/goods.js';
import { Money } from '../../../src/domain/money.js';
import { aGoods } from '../../support/builders.js';

const XSS = `<img src=x onerror=alert(1)>"'><script>alert('x')</script>&amp;\`${'${'}1}`;

describe('the html tag', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const out = html`<p title="${XSS}">${XSS}</p>`.text;
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<script');
    expect(out).toBe(
      '<p title="&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;&#96;${1}">' +
        '&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;&#96;${1}</p>',
    );
  });

  it('keeps nested html, escapes lists element by element, and renders nothing for null, undefined and booleans', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`${inner}${['<a>', inner]}${null}${undefined}${false}${true}${0}`.text).toBe('<b>&lt;i&gt;</b>&lt;a&gt;<b>&lt;i&gt;</b>0');
    expect(joinHtml([html`a`, html`b`], html`<br />`).text).toBe('a<br />b');
  });

  it('cannot be given markup any other way: Html is made by the tag only', () => {
    expect(() => new Html(Symbol('html'), '<script>')).toThrow(TypeError);
  });

  test.prop([fc.string({ unit: 'binary' })])('leaves no character that could open a tag or close an attribute', (text) => {
    const out = escapeHtml(text);
    expect(out).not.toMatch(/[<>"'`]/);
    expect(out.replace(/&(amp|lt|gt|quot|#39|#96);/g, '')).not.toContain('&');
  });

  it('builds console links with each path segment encoded', () => {
    expect(href(['orders', '../admin?x=1#'], { q: 'a&b', empty: '', none: undefined })).toBe(
      '/console/orders/..%2Fadmin%3Fx%3D1%23?q=a%26b',
    );
  });
});

describe('a goods name from the database', () => {
  it('renders inert: shown as text, never as markup', () => {
    const ctx = { lang: 'zh' as const, t: translator('zh'), here: '/console/goods' };
    const page = goodsListPage(ctx, [aGoods({ name: XSS, marketPrice: Money.ofFen(100) })], { ...EMPTY_GOODS_FORM, name: XSS }).text;
    expect(page).not.toMatch(/<img|<script/i); // the words stay, as text between tags: no element, no attribute
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
