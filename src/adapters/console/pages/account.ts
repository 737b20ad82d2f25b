import type { TotpEnrolment } from '../../../application/operators/operator-totp.js';
import type { ConsoleContext } from '../context.js';
import { html, type Html } from '../html.js';
import { csrfField, page, type Flash } from '../layout.js';

export interface TotpView {
  readonly active: boolean;
  /** Just begun: shown once, with the form for the first code. */
  readonly enrolment?: TotpEnrolment;
  readonly flash?: Flash;
}

/** A change to how one signs in asks for the password again (a session cookie alone is not enough). */
const passwordField = (ctx: ConsoleContext): Html =>
  html`<label
    >${ctx.t('totp.password')}<input type="password" name="password" autocomplete="current-password" maxlength="200" required
  /></label>`;

/** The operator's own second factor: its state, and setting up an authenticator app (confirmed by a first code). */
export function totpPage(ctx: ConsoleContext, view: TotpView): Html {
  const enrolment = view.enrolment;
  const setUp = enrolment
    ? html`<div class="card stack">
        <p>${ctx.t('totp.scan')}</p>
        <p>${ctx.t('totp.uri')}: <a class="mono" href="${enrolment.uri}">${enrolment.uri}</a></p>
        <p>${ctx.t('totp.secret')}: <strong class="mono" id="totp-secret">${enrolment.secret}</strong></p>
        <form class="stack" method="post" action="/console/account/totp/confirm">
          ${csrfField(ctx)}
          <label
            >${ctx.t('login.code')}<input
              name="code"
              autocomplete="one-time-code"
              inputmode="numeric"
              pattern="[0-9 ]{6,7}"
              required
              maxlength="7"
          /></label>
          <div><button type="submit">${ctx.t('totp.confirm')}</button></div>
        </form>
      </div>`
    : html`<form class="stack" method="post" action="/console/account/totp/begin">
          ${csrfField(ctx)}${passwordField(ctx)}
          <div><button type="submit">${view.active ? ctx.t('totp.again') : ctx.t('totp.begin')}</button></div>
        </form>
        ${
          view.active
            ? html`<form class="stack" method="post" action="/console/account/totp/remove">
                ${csrfField(ctx)}${passwordField(ctx)}
                <div><button type="submit" class="danger">${ctx.t('totp.remove')}</button></div>
              </form>`
            : ''
        }`;
  const body = html`<p>
      <span class="badge ${view.active ? 'ok' : 'bad'}">${view.active ? ctx.t('totp.active') : ctx.t('totp.inactive')}</span>
    </p>
    ${setUp}`;
  return page(ctx, { title: ctx.t('nav.account'), ...(view.flash ? { flash: view.flash } : {}) }, body);
}
