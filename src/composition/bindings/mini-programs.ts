import type { Container } from 'inversify';
import type { MiniProgramLogin } from '../../application/ports/mini-program-login.js';
import type { Config } from '../config.js';
import { MiniProgramDirectory, type ConfiguredMiniProgram, type MiniProgramLoginFactory } from '../mini-program-list.js';
import { TOKENS } from '../tokens.js';

/**
 * The mini-programs this deployment serves, and their logins. Today's variables mean one mini-program, the default
 * (WECHAT_APPID, WECHAT_APP_SECRET), selling through the `default` merchant; `configuredMiniPrograms` is the one place
 * the merchants file replaces at start, and the directory is what its reloads replace (merchants-reload.ts).
 */
export function bindMiniPrograms(c: Container, config: Config): void {
  c.bind(TOKENS.ConfiguredMiniPrograms).toConstantValue(configuredMiniPrograms(config));
  c.bind(TOKENS.MiniProgramDirectory).toResolvedValue(
    (configured: readonly ConfiguredMiniProgram[], factory: MiniProgramLoginFactory) =>
      new MiniProgramDirectory(configured, (): MiniProgramLogin => c.get(TOKENS.MiniProgramLogin), factory),
    [TOKENS.ConfiguredMiniPrograms, TOKENS.MiniProgramLoginFactory],
  );
  c.bind(TOKENS.MiniPrograms).toResolvedValue((directory: MiniProgramDirectory) => directory.list, [TOKENS.MiniProgramDirectory]);
  c.bind(TOKENS.MiniProgramLogins).toResolvedValue((directory: MiniProgramDirectory) => directory.logins, [TOKENS.MiniProgramDirectory]);
}

/**
 * The mini-programs of the merchants structure: MERCHANTS_FILE's list, or the single-merchant environment's one
 * (WECHAT_APPID, selling through `default`), which config.ts builds in the same shape.
 */
export const configuredMiniPrograms = (config: Config): readonly ConfiguredMiniProgram[] => config.merchants.miniPrograms;
