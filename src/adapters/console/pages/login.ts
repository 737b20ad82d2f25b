import type { ConsoleContext } from '../context.js';
import { html, type Html } from '../html.js';
import { page } from '../layout.js';

export interface LoginView {
  readonly formToken: string;
  readonly next: string;
  readonly name?: string;
  readonly error?: string;
  /** No operator exists yet: say how to create the first one. */
  readonly noOperators?: boolean;
}

export function loginPage(ctx: ConsoleContext, view: LoginView): Html {
  const body = html`<div class="card">
    ${view.error ? html`<div class="flash error" role="alert">${view.error}</div>` : ''}
    ${view.noOperators ? html`<p class="muted mono">${ctx.t('login.none')}</p>` : ''}
    <form class="stack" method="post" action="/console/login">
      <input type="hidden" name="_login" value="${view.formToken}" />
      <input type="hidden" name="next" value="${view.next}" />
      <input type="hidden" name="_back" value="${ctx.here}" />
      <label
        >${ctx.t('login.name')}<input name="name" autocomplete="username" required maxlength="64" value="${view.name ?? ''}" autofocus
      /></label>
      <label
        >${ctx.t('login.password')}<input name="password" type="password" autocomplete="current-password" required maxlength="200"
      /></label>
      <button type="submit">${ctx.t('login.submit')}</button>
    </form>
  </div>`;
  return html`${page(ctx, { title: ctx.t('login.title') }, html`<div class="login">${body}</div>`)}`;
}

export interface CodeView {
  readonly formToken: string;
  readonly next: string;
  /** What the password earned (signed, short-lived): the password itself is never put in a page. */
  readonly challenge: string;
  readonly error?: string;
}

/** The second step of signing in, for an operator with an authenticator app. */
export function codePage(ctx: ConsoleContext, view: CodeView): Html {
  const body = html`<div class="card">
    ${view.error ? html`<div class="flash error" role="alert">${view.error}</div>` : ''}
    <p>${ctx.t('login.codeHint')}</p>
    <form class="stack" method="post" action="/console/login/code">
      <input type="hidden" name="_login" value="${view.formToken}" />
      <input type="hidden" name="next" value="${view.next}" />
      <input type="hidden" name="challenge" value="${view.challenge}" />
      <input type="hidden" name="_back" value="/console/login" />
      <label
        >${ctx.t('login.code')}<input
          name="code"
          autocomplete="one-time-code"
          inputmode="numeric"
          pattern="[0-9 ]{6,7}"
          required
          maxlength="7"
          autofocus
      /></label>
      <button type="submit">${ctx.t('login.codeSubmit')}</button>
    </form>
  </div>`;
  return html`${page(ctx, { title: ctx.t('login.title') }, html`<div class="login">${body}</div>`)}`;
}
