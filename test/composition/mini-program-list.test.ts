import { describe, expect, it } from 'vitest';
import type { MiniProgramLogin } from '../../src/application/ports/mini-program-login.js';
import { MiniProgramList, MiniProgramLoginsByApp, type ConfiguredMiniProgram } from '../../src/composition/mini-program-list.js';
import { FakeMiniProgramLogin } from '../support/doubles/fake-mini-program-login.js';

const NORTH: ConfiguredMiniProgram = { appId: 'wx1111111111111111', name: '北区', merchantId: 'north', appSecret: 'n' };
const SOUTH: ConfiguredMiniProgram = { appId: 'wx2222222222222222', name: '南区', merchantId: 'south', appSecret: 's', default: true };

describe('the configured mini-programs', () => {
  it('looks mini-programs up by appid, the flagged one (else the first) being the default', () => {
    const list = new MiniProgramList([NORTH, SOUTH]);
    expect(list.defaultAppId).toBe(SOUTH.appId);
    expect(list.byAppId(NORTH.appId)).toEqual({ appId: NORTH.appId, name: '北区', merchantId: 'north' });
    expect(list.byAppId('wx9999999999999999')).toBeUndefined();
    expect(list.all().map((m) => m.appId)).toEqual([SOUTH.appId, NORTH.appId]);
    expect(new MiniProgramList([NORTH, { ...SOUTH, default: false }]).defaultAppId).toBe(NORTH.appId);
  });

  it('refuses no mini-program at all, and one appid twice', () => {
    expect(() => new MiniProgramList([])).toThrow(/no mini-program/);
    expect(() => new MiniProgramList([NORTH, { ...NORTH, name: 'again' }])).toThrow(/one appid/);
  });

  it("gives each mini-program a login with its own AppSecret, once; the default one's is the bound login", async () => {
    const made: [string, string][] = [];
    const bound = new FakeMiniProgramLogin();
    const logins = new MiniProgramLoginsByApp(
      [NORTH, SOUTH],
      SOUTH.appId,
      () => bound,
      (appId, secret): MiniProgramLogin => {
        made.push([appId, secret]);
        return new FakeMiniProgramLogin();
      },
    );
    expect(logins.forApp(SOUTH.appId)).toBe(bound);
    const north = logins.forApp(NORTH.appId);
    expect(logins.forApp(NORTH.appId)).toBe(north);
    expect(made).toEqual([[NORTH.appId, 'n']]);
    expect(logins.forApp('wx9999999999999999')).toBeUndefined();
  });

  it('answers a login of a mini-program without an AppSecret as misconfigured, without calling WeChat', async () => {
    const logins = new MiniProgramLoginsByApp(
      [{ ...NORTH, appSecret: undefined }, SOUTH],
      SOUTH.appId,
      () => new FakeMiniProgramLogin(),
      () => {
        throw new Error('no login may be built without a secret');
      },
    );
    expect(await logins.forApp(NORTH.appId)?.codeToSession('code-a')).toMatchObject({ kind: 'misconfigured' });
  });
});
