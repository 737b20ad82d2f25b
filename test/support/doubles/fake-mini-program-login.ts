import type { MiniProgramLogin, SessionLookup } from '../../../src/application/ports/mini-program-login.js';
import { GatewayUnavailableError } from '../../../src/application/ports/payment-gateway.js';

/** How WeChat answers a login code: a session, or a refusal for the user (blocked, rate-limited) or for our credentials. */
export type LoginOutcome = 'session' | 'blocked' | 'rateLimited' | 'misconfigured';

/**
 * code2Session reduced to its rules, in memory: codes are single-use, as WeChat's are, and `code-<name>` is a
 * shorthand for the openid `openid-<name>`. Held to the same contract as the real adapter on the simulator.
 */
export class FakeMiniProgramLogin implements MiniProgramLogin {
  readonly calls: string[] = [];
  private readonly codes = new Map<string, { openid: string; outcome: LoginOutcome }>();
  private readonly usedCodes = new Set<string>();
  private unavailableCalls = 0;

  async codeToSession(code: string): Promise<SessionLookup> {
    await Promise.resolve();
    this.calls.push('codeToSession');
    if (this.unavailableCalls > 0) {
      this.unavailableCalls--;
      throw new GatewayUnavailableError('codeToSession: simulated timeout');
    }
    if (this.usedCodes.has(code)) return { kind: 'invalidCode' };
    const issued =
      this.codes.get(code) ?? (code.startsWith('code-') ? { openid: `openid-${code.slice(5)}`, outcome: 'session' as const } : undefined);
    if (issued === undefined) return { kind: 'invalidCode' };
    this.usedCodes.add(code);
    if (issued.outcome === 'misconfigured') return { kind: 'misconfigured', code: '40125', message: 'invalid appsecret' };
    return issued.outcome === 'session' ? { kind: 'session', openid: issued.openid } : { kind: issued.outcome };
  }

  /** wx.login for this openid: a code codeToSession exchanges once, or answers as WeChat would for a blocked user. */
  issueLoginCode(openid: string, outcome: LoginOutcome = 'session'): string {
    const code = `issued-${this.codes.size + 1}`;
    this.codes.set(code, { openid, outcome });
    return code;
  }

  /** The next `count` calls throw as if WeChat timed out. */
  beUnavailable(count: number): void {
    this.unavailableCalls = count;
  }
}
