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
  /**
   * `"retired": true` in the merchants file: none of ours to its users (its paths 404, its tokens 401), as a removed
   * one is; its merchant still knows its appid, for the notices and answers of its orders. Never the default one.
   */
  readonly retired?: boolean;
}

/** The mini-programs the service serves: a retired one is configured (its merchant knows its appid) but not served. */
export const inService = <T extends { readonly retired?: boolean }>(configured: readonly T[]): T[] =>
  configured.filter((m) => m.retired !== true);

/** Builds the login of a mini-program from its appid and AppSecret. */
export type MiniProgramLoginFactory = (appId: string, appSecret: string) => MiniProgramLogin;

/**
 * The configured mini-programs, by appid; the default one is flagged, or else the first. A reload of MERCHANTS_FILE
 * replaces the list (merchants-reload.ts), except its default mini-program, which is fixed for the process's life: its
 * tokens carry no appid (the seed's format), so under another default they would become that mini-program's.
 */
export class MiniProgramList implements MiniPrograms {
  readonly defaultAppId: string;
  private byId: ReadonlyMap<string, MiniProgram>;

  constructor(configured: readonly ConfiguredMiniProgram[]) {
    this.defaultAppId = defaultAppIdOf(configured);
    this.byId = indexed(configured);
  }

  byAppId(appId: string): MiniProgram | undefined {
    return this.byId.get(appId);
  }

  /** Every configured mini-program, the default one first. */
  all(): MiniProgram[] {
    const all = [...this.byId.values()];
    return [...all.filter((m) => m.appId === this.defaultAppId), ...all.filter((m) => m.appId !== this.defaultAppId)];
  }

  /** A reload's list: a mini-program it no longer names is none of ours from the next request on (404). */
  replace(configured: readonly ConfiguredMiniProgram[]): void {
    const nextDefault = defaultAppIdOf(configured);
    if (nextDefault !== this.defaultAppId) throw new Error(`the default mini-program is ${this.defaultAppId}: only a restart changes it`);
    this.byId = indexed(configured);
  }
}

function defaultAppIdOf(configured: readonly ConfiguredMiniProgram[]): string {
  const first = configured.find((m) => m.default) ?? configured[0];
  if (!first) throw new Error('no mini-program is configured');
  return first.appId;
}

function indexed(configured: readonly ConfiguredMiniProgram[]): ReadonlyMap<string, MiniProgram> {
  if (new Set(configured.map((m) => m.appId)).size !== configured.length)
    throw new Error('two mini-programs are configured with one appid');
  return new Map(inService(configured).map(({ appId, name, merchantId }) => [appId, { appId, name, merchantId }]));
}

/** A mini-program whose AppSecret is missing: WeChat would refuse it as misconfigured, so say so without asking. */
const withoutSecret: MiniProgramLogin = {
  codeToSession: () =>
    Promise.resolve({ kind: 'misconfigured', code: 'NO_APPSECRET', message: "the mini-program's AppSecret is not configured" }),
};

/**
 * Each mini-program's login, built once per AppSecret: the default one's is the login bound for it (so a test double
 * replacing that binding replaces it here too) while it keeps the AppSecret it started with, the others' (and the
 * default's once a reload changed its AppSecret) come from the factory with their own AppSecret. A reload replaces
 * the list: a removed mini-program has no login, a changed AppSecret is used from the next login on.
 */
export class MiniProgramLoginsByApp implements MiniProgramLogins {
  private readonly built = new Map<string, { readonly appSecret: string | undefined; readonly login: MiniProgramLogin }>();
  private readonly boundSecret: string | undefined;
  /** The mini-programs in service (inService): a retired one has no login. */
  private serving: readonly ConfiguredMiniProgram[];

  constructor(
    configured: readonly ConfiguredMiniProgram[],
    private readonly defaultAppId: string,
    private readonly defaultLogin: () => MiniProgramLogin,
    private readonly factory: MiniProgramLoginFactory,
  ) {
    this.serving = inService(configured);
    this.boundSecret = this.serving.find((m) => m.appId === defaultAppId)?.appSecret;
  }

  forApp(appId: string): MiniProgramLogin | undefined {
    const program = this.serving.find((m) => m.appId === appId);
    if (appId === this.defaultAppId && (!program || program.appSecret === this.boundSecret)) return this.defaultLogin();
    if (!program) return undefined;
    const known = this.built.get(appId);
    if (known && known.appSecret === program.appSecret) return known.login;
    const login = program.appSecret === undefined ? withoutSecret : this.factory(program.appId, program.appSecret);
    this.built.set(appId, { appSecret: program.appSecret, login });
    return login;
  }

  /** A reload's list (see forApp). */
  replace(configured: readonly ConfiguredMiniProgram[]): void {
    this.serving = inService(configured);
    for (const appId of this.built.keys()) if (!this.serving.some((m) => m.appId === appId)) this.built.delete(appId);
  }
}

/** The mini-programs and their logins, which a reload of MERCHANTS_FILE replaces together. */
export class MiniProgramDirectory {
  readonly list: MiniProgramList;
  readonly logins: MiniProgramLoginsByApp;

  constructor(configured: readonly ConfiguredMiniProgram[], defaultLogin: () => MiniProgramLogin, factory: MiniProgramLoginFactory) {
    this.list = new MiniProgramList(configured);
    this.logins = new MiniProgramLoginsByApp(configured, this.list.defaultAppId, defaultLogin, factory);
  }

  /** Throws, changing nothing, when the list is not one a reload may swap in (its default mini-program changed). */
  replace(configured: readonly ConfiguredMiniProgram[]): void {
    this.list.replace(configured);
    this.logins.replace(configured);
  }
}
