import type { Container } from 'inversify';
import type { MiniProgramLogin } from '../../application/ports/mini-program-login.js';
import { DEFAULT_MERCHANT_ID } from '../../domain/merchant.js';
import type { Config } from '../config.js';
import { MiniProgramList, MiniProgramLoginsByApp, type ConfiguredMiniProgram, type MiniProgramLoginFactory } from '../mini-program-list.js';
import { TOKENS } from '../tokens.js';

/**
 * The mini-programs this deployment serves, and their logins. Today's variables mean one mini-program, the default
 * (WECHAT_APPID, WECHAT_APP_SECRET), selling through the `default` merchant; `configuredMiniPrograms` is the one place
 * the merchants file replaces.
 */
export function bindMiniPrograms(c: Container, config: Config): void {
  c.bind(TOKENS.ConfiguredMiniPrograms).toConstantValue(configuredMiniPrograms(config));
  c.bind(TOKENS.MiniPrograms).toResolvedValue(
    (configured: readonly ConfiguredMiniProgram[]) => new MiniProgramList(configured),
    [TOKENS.ConfiguredMiniPrograms],
  );
  c.bind(TOKENS.MiniProgramLogins).toResolvedValue(
    (configured: readonly ConfiguredMiniProgram[], factory: MiniProgramLoginFactory) =>
      new MiniProgramLoginsByApp(
        configured,
        new MiniProgramList(configured).defaultAppId,
        (): MiniProgramLogin => c.get(TOKENS.MiniProgramLogin),
        factory,
      ),
    [TOKENS.ConfiguredMiniPrograms, TOKENS.MiniProgramLoginFactory],
  );
}

/**
 * The single-merchant environment's one mini-program. With MERCHANTS_FILE this is the file's list (its
 * MiniProgramSettings have this shape): the one line to change when the merchants file lands.
 */
export const configuredMiniPrograms = (config: Config): readonly ConfiguredMiniProgram[] => [
  { appId: config.wechat.appId, name: 'default', merchantId: DEFAULT_MERCHANT_ID, appSecret: config.wechat.appSecret, default: true },
];
