import { err, ok, type Result } from '../../domain/result.js';
import type { MiniProgramLogin } from '../ports/mini-program-login.js';
import type { User, UserRepository } from '../ports/user-repository.js';

export type LoginError =
  | { readonly kind: 'InvalidCode' }
  /** WeChat's risk control blocks the user (40226): nothing to retry. */
  | { readonly kind: 'UserBlocked' }
  /** Too many logins for the user (45011): retry in a minute. */
  | { readonly kind: 'LoginRateLimited' }
  /** WeChat refuses the merchant's appid or AppSecret: the server's configuration must be fixed. */
  | { readonly kind: 'LoginMisconfigured'; readonly code: string; readonly message: string };

/**
 * Exchanges a wx.login code for the user (created on first login). WeChat's session_key never leaves the gateway:
 * nothing here needs it, and anyone holding it could forge the user's encrypted data.
 */
export class Login {
  constructor(
    private readonly wechat: MiniProgramLogin,
    private readonly users: UserRepository,
  ) {}

  async execute(code: string): Promise<Result<User, LoginError>> {
    if (!/^[\w-]{1,128}$/.test(code)) return err({ kind: 'InvalidCode' });
    const session = await this.wechat.codeToSession(code);
    switch (session.kind) {
      case 'session':
        return ok(await this.users.findOrCreate(session.openid, session.unionid));
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
