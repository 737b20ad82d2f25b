import { describe, expect, it } from 'vitest';
import { WechatMiniProgramLogin } from '../../../../src/adapters/wechatpay/shared/mini-program-login.js';

describe('WechatMiniProgramLogin configuration', () => {
  it('names every missing setting at construction, never echoing a value', () => {
    expect(() => new WechatMiniProgramLogin({ appId: '', appSecret: '' })).toThrow(
      /mini-program login configuration: appId is required; appSecret is required/,
    );
    expect(() => new WechatMiniProgramLogin({ appId: 'wx0123456789abcdef', appSecret: '' })).toThrow(
      /^(?!.*wx0123).*appSecret is required/,
    );
  });

  it('refuses an empty or oversize code without calling WeChat', async () => {
    const sent: string[] = [];
    const login = new WechatMiniProgramLogin(
      { appId: 'wx0123456789abcdef', appSecret: 'secret' },
      { transport: { send: (r) => (sent.push(r.url), Promise.reject(new Error('no network in this test'))) } },
    );
    expect(await login.codeToSession('')).toEqual({ kind: 'invalidCode' });
    expect(await login.codeToSession('x'.repeat(129))).toEqual({ kind: 'invalidCode' });
    expect(sent).toEqual([]);
  });
});
