import type { Request, Response } from 'express';
import type { Operator, OperatorSession } from '../../application/ports/operators.js';
import type { ShopScope } from '../../domain/shop-scope.js';
import { readCookie, setCookie } from './cookies.js';
import { isLang, translator, type Lang, type Translate } from './i18n.js';
import type { Shops } from './shops.js';

/** What every console page knows about the request. */
export interface ConsoleContext {
  readonly lang: Lang;
  readonly t: Translate;
  /**
   * The path and query of this page, for the language switch and sign-in redirects. For a form's answer it is the
   * page the form was on (its `_back` field): an action's URL answers only POST, so a switch to it would be a 404.
   */
  readonly here: string;
  readonly operator?: Operator;
  readonly session?: OperatorSession;
  /** The shops the signed-in operator answers for: every page, list, search, export and action is narrowed to them. */
  readonly shops?: ShopScope;
  /** The merchants this process knows, by id: their names, and which a reload retired (their orders are read-only). */
  readonly merchants?: Shops;
  /** The service pays through the built-in simulator (WECHAT_GATEWAY=sandbox): every page says no money is real. */
  readonly sandbox?: boolean;
}

export interface ConsoleLocals {
  console: ConsoleContext;
}

export type ConsoleResponse = Response<unknown, ConsoleLocals>;

export const LANG_COOKIE = 'wxpay_console_lang';

/** Chinese unless the operator chose English: `?lang=en` switches and is remembered in a cookie. */
export function contextOf(req: Request, res: Response): ConsoleContext {
  const asked = req.query.lang;
  let lang: Lang = 'zh';
  if (isLang(asked)) {
    lang = asked;
    setCookie(req, res, LANG_COOKIE, lang, { path: '/console', maxAgeSeconds: 365 * 86_400 });
  } else {
    const remembered = readCookie(req, LANG_COOKIE);
    if (isLang(remembered)) lang = remembered;
  }
  return { lang, t: translator(lang), here: req.method === 'POST' ? formPage(req) : req.originalUrl };
}

/** The console page a posted form came from, or the dashboard when it names none or somewhere else. */
function formPage(req: Request): string {
  const back = (req.body as Record<string, unknown> | undefined)?._back;
  return typeof back === 'string' && /^\/console(?:[/?]|$)/.test(back) && !/[\\\s]/.test(back) ? back : '/console';
}

/** The signed-in operator; the session middleware guarantees one on every page behind it. */
export function operatorOf(res: ConsoleResponse): { operator: Operator; session: OperatorSession } {
  const { operator, session } = res.locals.console;
  if (!operator || !session) throw new Error('console route reached without a session');
  return { operator, session };
}

/** The signed-in operator's shops: what every query and use case the console calls is narrowed to. */
export function scopeOf(res: ConsoleResponse): ShopScope {
  const { shops } = res.locals.console;
  if (!shops) throw new Error('console route reached without a session');
  return shops;
}

/** How the audit log names a console operator. */
export const actorOf = (operator: Operator): string => `operator:${operator.name}`;
