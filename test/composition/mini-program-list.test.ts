import { describe, expect, it } from 'vitest';
import type { MiniProgramLogin } from '../../src/application/ports/mini-program-login.js';
import {
  MiniProgramDirectory,
  MiniProgramList,
  MiniProgramLoginsByApp,
  type ConfiguredMiniProgram,
} from '../../src/composition/mini-program-list.js';
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

describe('the configured mini-programs, replaced by a reload', () => {
  const EAST: ConfiguredMiniProgram = { appId: 'wx3333333333333333', name: '东区', merchantId: 'east', appSecret: 'e' };

  it('serves an added mini-program and no longer a removed one; the default one stays', () => {
    const list = new MiniProgramList([NORTH, SOUTH]);
    list.replace([SOUTH, EAST]);
    expect(list.byAppId(EAST.appId)).toEqual({ appId: EAST.appId, name: '东区', merchantId: 'east' });
    expect(list.byAppId(NORTH.appId)).toBeUndefined();
    expect(list.all().map((m) => m.appId)).toEqual([SOUTH.appId, EAST.appId]);
  });

  it('refuses, changing nothing, a list whose default mini-program is another', () => {
    const list = new MiniProgramList([NORTH, SOUTH]);
    expect(() =>
      list.replace([
        { ...NORTH, default: true },
        { ...SOUTH, default: false },
      ]),
    ).toThrow(/only a restart/);
    expect(list.defaultAppId).toBe(SOUTH.appId);
    expect(list.byAppId(NORTH.appId)).toBeDefined();
  });

  it("builds a login with a changed AppSecret for the next login, none for a removed mini-program, and the default one's anew once its AppSecret changed", () => {
    const made: [string, string][] = [];
    const bound = new FakeMiniProgramLogin();
    const directory = new MiniProgramDirectory(
      [NORTH, SOUTH],
      () => bound,
      (appId, secret): MiniProgramLogin => {
        made.push([appId, secret]);
        return new FakeMiniProgramLogin();
      },
    );
    const { logins, list } = directory;
    const north = logins.forApp(NORTH.appId);
    directory.replace([{ ...NORTH, appSecret: 'n2' }, SOUTH, EAST]);
    const north2 = logins.forApp(NORTH.appId);
    expect(north2).not.toBe(north);
    expect(logins.forApp(NORTH.appId)).toBe(north2);
    expect(logins.forApp(EAST.appId)).toBeDefined();
    expect(logins.forApp(SOUTH.appId)).toBe(bound);
    expect(made).toEqual([
      [NORTH.appId, 'n'],
      [NORTH.appId, 'n2'],
      [EAST.appId, 'e'],
    ]);

    directory.replace([{ ...SOUTH, appSecret: 's2' }]);
    expect(logins.forApp(NORTH.appId)).toBeUndefined();
    expect(list.byAppId(NORTH.appId)).toBeUndefined();
    const south = logins.forApp(SOUTH.appId);
    expect(south).not.toBe(bound);
    expect(made.at(-1)).toEqual([SOUTH.appId, 's2']);

    // A list the directory may not take changes neither half.
    expect(() => directory.replace([{ ...EAST, default: true }])).toThrow(/only a restart/);
    expect(logins.forApp(SOUTH.appId)).toBe(south);
    expect(logins.forApp(EAST.appId)).toBeUndefined();
  });
});
