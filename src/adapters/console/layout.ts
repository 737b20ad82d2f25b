import type { Request } from 'express';
import { allowsIn, type Permission } from '../../domain/operator-role.js';
import type { ConsoleContext, ConsoleResponse } from './context.js';
import { EMPTY, html, type Html } from './html.js';
import type { ApplicationError } from '../http/error-status.js';
import { inputError } from './input-errors.js';
import { refusalText } from './refusals.js';
import { isMessageKey, type MessageKey } from './i18n.js';

export const NAV = [
  ['dashboard', '', 'nav.dashboard', 'read'],
  ['orders', 'orders', 'nav.orders', 'read'],
  ['reviews', 'reviews', 'nav.reviews', 'read'],
  ['refunds', 'refunds', 'nav.refunds', 'read'],
  ['goods', 'goods', 'nav.goods', 'read'],
  ['users', 'users', 'nav.users', 'read'],
  ['reconciliation', 'reconciliation', 'nav.reconciliation', 'readBills'],
  ['operators', 'operators', 'nav.operators', 'manageOperators'],
  ['audit', 'audit', 'nav.audit', 'readAudit'],
] as const satisfies readonly (readonly [string, string, MessageKey, Permission])[];

export type Section = (typeof NAV)[number][0];

export interface Flash {
  readonly kind: 'done' | 'error';
  readonly text: string;
}

export interface PageOptions {
  readonly title: string;
  readonly section?: Section;
  readonly flash?: Flash;
  /** Where the language switch goes when it is not this page: a form's answer names the page that keeps its values. */
  readonly switchTo?: string;
}

/**
 * The hidden fields every state-changing form carries: the session's CSRF token, and the page the form is on, so
 * that the language switch on the form's answer returns to a page that exists.
 */
export const csrfField = (ctx: ConsoleContext): Html =>
  html`<input type="hidden" name="_csrf" value="${ctx.session?.csrfToken ?? ''}" /><input
      type="hidden"
      name="_back"
      value="${ctx.here}"
    />`;

/** This page (or the page that keeps a form's values) in the other language. */
function switchLanguage(ctx: ConsoleContext, to: string = ctx.here): string {
  const url = new URL(to, 'http://console.invalid');
  url.searchParams.set('lang', ctx.lang === 'zh' ? 'en' : 'zh');
  return `${url.pathname}${url.search}`;
}

function header(ctx: ConsoleContext, section: Section | undefined, switchTo: string | undefined): Html {
  const operator = ctx.operator;
  if (!operator)
    return html`<header class="top">
      <span class="brand">${ctx.t('app.title')}</span>
      <nav></nav>
      <div class="who"><a href="${switchLanguage(ctx, switchTo)}" id="switch-lang">${ctx.t('nav.switchLang')}</a></div>
    </header>`;
  const shops = ctx.shops ?? { kind: 'shops', merchantIds: [] };
  const links = NAV.filter(([, , , permission]) => allowsIn(operator.role, shops, permission)).map(
    ([key, path, label]) =>
      html`<a href="/console${path ? `/${path}` : ''}" class="${key === section ? 'current' : ''}">${ctx.t(label)}</a>`,
  );
  return html`<header class="top">
    <span class="brand">${ctx.t('app.title')}</span>
    <nav>${links}</nav>
    <div class="who">
      <a href="${switchLanguage(ctx, switchTo)}" id="switch-lang">${ctx.t('nav.switchLang')}</a>
      <a href="/console/account/totp">${operator.name} · ${ctx.t(`role.${operator.role}`)}</a>
      <form method="post" action="/console/logout">
        ${csrfField(ctx)}<button class="link" type="submit">${ctx.t('nav.signOut')}</button>
      </form>
    </div>
  </header>`;
}

/** A GET form for a CSV export over a range of Beijing days (the refunds and reconciliation pages). */
export const exportForm = (ctx: ConsoleContext, file: string): Html =>
  html`<form class="filters card" method="get" action="/console/export/${file}">
    <label>${ctx.t('filter.from')}<input type="date" name="from" /></label>
    <label>${ctx.t('filter.to')}<input type="date" name="to" /></label>
    <button type="submit" class="secondary">${ctx.t('csv.export')}</button>
  </form>`;

export function page(ctx: ConsoleContext, options: PageOptions, body: Html): Html {
  const flash = options.flash ? html`<div class="flash ${options.flash.kind}" role="status">${options.flash.text}</div>` : EMPTY;
  return html`<!doctype html>
    <html lang="${ctx.lang === 'zh' ? 'zh-CN' : 'en'}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>${options.title} · ${ctx.t('app.title')}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        ${header(ctx, options.section, options.switchTo)}
        ${ctx.sandbox ? html`<div class="sandbox-banner" role="note">${ctx.t('sandbox.banner')}</div>` : EMPTY}
        <main>
          <h1>${options.title}</h1>
          ${flash} ${body}
        </main>
      </body>
    </html>`;
}

export function send(res: ConsoleResponse, status: number, document: Html): void {
  res.status(status).type('html').send(document.text);
}

/** `?done=<what>` after a redirect: a known message, or nothing. */
export function flashOf(req: Request, ctx: ConsoleContext): Flash | undefined {
  const key = `done.${String(req.query.done ?? '')}`;
  return isMessageKey(key) ? { kind: 'done', text: ctx.t(key) } : undefined;
}

/** A use case's refusal, in the operator's language (the API's English reason is not shown here). */
export const refusalFlash = (ctx: ConsoleContext, error: ApplicationError): Flash => ({
  kind: 'error',
  text: ctx.t('error.refused', { reason: refusalText(ctx, error) }),
});

/** A refusal, in the operator's language even when the reason is a shared parser's (English) message. */
export const errorFlash = (ctx: ConsoleContext, reason: string): Flash => ({
  kind: 'error',
  text: ctx.t('error.refused', { reason: inputError(ctx, reason) }),
});
