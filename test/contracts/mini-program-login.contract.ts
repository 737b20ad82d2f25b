import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MiniProgramLogin } from '../../src/application/ports/mini-program-login.js';

/** The login adapter and what a contract case needs around it: WeChat issuing wx.login codes. */
export interface LoginWorld {
  readonly login: MiniProgramLogin;
  /** A wx.login code for this openid; WeChat answers it as for a blocked or rate-limited user when told so. */
  loginCode(openid: string, outcome?: 'blocked' | 'rateLimited'): Promise<string>;
  close(): Promise<void>;
}

/** What every MiniProgramLogin adapter must do: the fake and the real one on the simulator are both held to it. */
export function miniProgramLoginContract(name: string, open: () => Promise<LoginWorld>): void {
  describe(`MiniProgramLogin contract: ${name}`, () => {
    let world: LoginWorld;
    beforeEach(async () => {
      world = await open();
    });
    afterEach(async () => {
      await world.close();
    });

    it('exchanges a login code once, knows no session for an unknown code, and tells a blocked or rate-limited user apart', async () => {
      const code = await world.loginCode('oContractUser000000000000001');
      expect(await world.login.codeToSession(code)).toMatchObject({ kind: 'session', openid: 'oContractUser000000000000001' });
      expect(await world.login.codeToSession(code)).toEqual({ kind: 'invalidCode' });
      expect(await world.login.codeToSession('no-such-code')).toEqual({ kind: 'invalidCode' });
      expect(await world.login.codeToSession(await world.loginCode('oContractUser000000000000002', 'blocked'))).toEqual({
        kind: 'blocked',
      });
      expect(await world.login.codeToSession(await world.loginCode('oContractUser000000000000003', 'rateLimited'))).toEqual({
        kind: 'rateLimited',
      });
    });
  });
}
