import type { MiniProgramLogin, MiniProgramLogins } from '../application/ports/mini-program-login.js';
import type { MiniProgram, MiniPrograms } from '../application/ports/mini-programs.js';

/**
 * A mini-program as configured: what the use cases see, and its AppSecret, which only its login holds. The shape of
 * the merchants file's MiniProgramSettings, so its list binds as it is.
 */
export interface ConfiguredMiniProgram extends MiniProgram {
  /** Undefined when its reference did not resolve: its logins then fail as misconfigured. */
  readonly appSecret?: string;
  /** The one the seed's paths serve; exactly one mini-program is (else the first). */
  readonly default?: boolean;
}

/** Builds the login of a mini-program from its appid and AppSecret. */
export type MiniProgramLoginFactory = (appId: string, appSecret: string) => MiniProgramLogin;

/** The configured mini-programs, by appid; the default one is flagged, or else the first. */
export class MiniProgramList implements MiniPrograms {
  readonly defaultAppId: string;
  private readonly byId: ReadonlyMap<string, MiniProgram>;

  constructor(configured: readonly ConfiguredMiniProgram[]) {
    const first = configured.find((m) => m.default) ?? configured[0];
    if (!first) throw new Error('no mini-program is configured');
    this.defaultAppId = first.appId;
    this.byId = new Map(configured.map(({ appId, name, merchantId }) => [appId, { appId, name, merchantId }]));
    if (this.byId.size !== configured.length) throw new Error('two mini-programs are configured with one appid');
  }

  byAppId(appId: string): MiniProgram | undefined {
    return this.byId.get(appId);
  }

  /** Every configured mini-program, the default one first. */
  all(): MiniProgram[] {
    const all = [...this.byId.values()];
    return [...all.filter((m) => m.appId === this.defaultAppId), ...all.filter((m) => m.appId !== this.defaultAppId)];
  }
}

/** A mini-program whose AppSecret is missing: WeChat would refuse it as misconfigured, so say so without asking. */
const withoutSecret: MiniProgramLogin = {
  codeToSession: () =>
    Promise.resolve({ kind: 'misconfigured', code: 'NO_APPSECRET', message: "the mini-program's AppSecret is not configured" }),
};

/**
 * Each mini-program's login, built once: the default one's is the login bound for it (so a test double replacing that
 * binding replaces it here too), the others' come from the factory with their own AppSecret.
 */
export class MiniProgramLoginsByApp implements MiniProgramLogins {
  private readonly built = new Map<string, MiniProgramLogin>();

  constructor(
    private readonly configured: readonly ConfiguredMiniProgram[],
    private readonly defaultAppId: string,
    private readonly defaultLogin: () => MiniProgramLogin,
    private readonly factory: MiniProgramLoginFactory,
  ) {}

  forApp(appId: string): MiniProgramLogin | undefined {
    if (appId === this.defaultAppId) return this.defaultLogin();
    const known = this.built.get(appId);
    if (known) return known;
    const program = this.configured.find((m) => m.appId === appId);
    if (!program) return undefined;
    const login = program.appSecret === undefined ? withoutSecret : this.factory(program.appId, program.appSecret);
    this.built.set(appId, login);
    return login;
  }
}
