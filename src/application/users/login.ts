import { err, ok, type Result } from '../../domain/result.js';
import type { MiniProgramLogins } from '../ports/mini-program-login.js';
import type { MiniPrograms } from '../ports/mini-programs.js';
import type { User, UserRepository } from '../ports/user-repository.js';

export type LoginError =
  | { readonly kind: 'InvalidCode' }
  /** No mini-program with that appid is configured here. */
  | { readonly kind: 'UnknownMiniProgram' }
  /** WeChat's risk control blocks the user (40226): nothing to retry. */
  | { readonly kind: 'UserBlocked' }
  /** Too many logins for the user (45011): retry in a minute. */
  | { readonly kind: 'LoginRateLimited' }
  /** WeChat refuses the merchant's appid or AppSecret: the server's configuration must be fixed. */
  | { readonly kind: 'LoginMisconfigured'; readonly code: string; readonly message: string };

/**
 * Exchanges a wx.login code for the user of that mini-program (created on first login), with that mini-program's own
 * AppSecret: a code is WeChat's for one appid, and its openid means nothing under another. WeChat's session_key never leaves the gateway:
 * nothing here needs it, and anyone holding it could forge the user's encrypted data.
 */
export class Login {
  constructor(
    private readonly logins: MiniProgramLogins,
    private readonly users: UserRepository,
    private readonly miniPrograms: MiniPrograms,
  ) {}

  /** `appId`: the mini-program the code comes from (absent: the default one). */
  async execute(code: string, appId: string = this.miniPrograms.defaultAppId): Promise<Result<User, LoginError>> {
    const wechat = this.miniPrograms.byAppId(appId) && this.logins.forApp(appId);
    if (!wechat) return err({ kind: 'UnknownMiniProgram' });
    if (!/^[\w-]{1,128}$/.test(code)) return err({ kind: 'InvalidCode' });
    const session = await wechat.codeToSession(code);
    switch (session.kind) {
      case 'session':
        return ok(await this.users.findOrCreate(session.openid, session.unionid, appId));
      case 'invalidCode':
        return err({ kind: 'InvalidCode' });
      case 'blocked':
        return err({ kind: 'UserBlocked' });
      case 'rateLimited':
        return err({ kind: 'LoginRateLimited' });
      case 'misconfigured':
        return err({ kind: 'LoginMisconfigured', code: session.code, message: session.message });
    }
  }
}
