import { err, ok, type Result } from '../domain/result.js';
import type { PaymentGateway } from './ports/payment-gateway.js';
import type { User, UserRepository } from './ports/user-repository.js';

export type LoginError = { readonly kind: 'InvalidCode' };

/**
 * Exchanges a wx.login code for the user (created on first login). WeChat's session_key never leaves the gateway:
 * nothing here needs it, and anyone holding it could forge the user's encrypted data.
 */
export class Login {
  constructor(
    private readonly gateway: PaymentGateway,
    private readonly users: UserRepository,
  ) {}

  async execute(code: string): Promise<Result<User, LoginError>> {
    if (!/^[\w-]{1,128}$/.test(code)) return err({ kind: 'InvalidCode' });
    const session = await this.gateway.codeToSession(code);
    if (!session) return err({ kind: 'InvalidCode' });
    return ok(await this.users.findOrCreate(session.openid, session.unionid));
  }
}
