import type { Clock } from '../application/ports/clock.js';
import { loadOrCreateSandboxIdentity, simulatorV3Options, type StoredSandboxIdentity } from './identity/identity-store.js';
import {
  createWechatPaySimulator,
  type SimulatorMiniProgramOptions,
  type SimulatorSubMerchantOptions,
  type WechatPaySimulator,
} from './simulator/router.js';
import { SimulatorStateFile, simulatorStatePath } from './state-file.js';

export type SandboxLogLevel = 'debug' | 'info' | 'warn';
export type SandboxLog = (level: SandboxLogLevel, event: Readonly<Record<string, unknown>>, message: string) => void;

/** A further direct merchant (the merchants file's); `v3Keys`: its API v3 keys generated once and kept in dataDir. */
export interface EmbeddedSandboxMerchant {
  readonly mchId: string;
  readonly appIds: readonly string[];
  readonly apiKey?: string | undefined;
  readonly v3Keys: boolean;
}

/** A provider (服务商) with its sub-merchants; its v3 keys are kept by its sp_mchid like a merchant's. */
export interface EmbeddedSandboxProvider {
  readonly spMchId: string;
  readonly spAppId: string;
  readonly apiKey?: string | undefined;
  readonly v3Keys: boolean;
  readonly subMerchants: readonly SimulatorSubMerchantOptions[];
}

export interface EmbeddedSandboxOptions {
  /** Where the sandbox keeps its API v3 keys and the simulator's state. */
  readonly dataDir: string;
  /** The merchant the simulator stands in WeChat for. */
  readonly merchant: {
    readonly appId: string;
    readonly mchId: string;
    /** Unset: WeChat's sample key (API v3 only merchants have none). */
    readonly apiKey?: string | undefined;
    readonly appSecret: string;
  };
  /** Shared with the service, so that moving sandbox time moves both. */
  readonly clock: Clock;
  /** Real time: /control/clock moves business time only, and outside SDKs check signatures against real time. */
  readonly signatureClock: Clock;
  readonly timeScale: number;
  /** The notify URLs a request may name: the service's own callbacks, so the sandbox never POSTs elsewhere. */
  readonly notifyUrlAllowed?: (url: string) => boolean;
  /** API v3 without v3 settings: generate (once, then load) the keys both sides use. */
  readonly v3Keys: boolean;
  /** The server mounts the simulator; a command-line run only needs the keys to talk to the running service's. */
  readonly simulator: boolean;
  /** Further direct merchants, beside `merchant`. */
  readonly merchants?: readonly EmbeddedSandboxMerchant[];
  readonly providers?: readonly EmbeddedSandboxProvider[];
  /** AppSecrets of further mini-programs (code2Session). */
  readonly miniPrograms?: readonly SimulatorMiniProgramOptions[];
  readonly log: SandboxLog;
}

export interface EmbeddedSandbox {
  /** The generated API v3 keys, when asked for: the merchant's side of them configures the gateway. */
  readonly v3Identity?: StoredSandboxIdentity;
  /**
   * Every generated identity by mch_id (a provider's by its sp_mchid), `merchant`'s included: each merchant has its
   * own certificate, WeChat Pay public key and APIv3 key, kept in dataDir so that restarts keep them.
   */
  readonly v3Identities: ReadonlyMap<string, StoredSandboxIdentity>;
  readonly simulator?: WechatPaySimulator;
  /** Stops the simulator's timers and writes its state. */
  close(): void;
}

/**
 * The sandbox inside the service: its API v3 keys loaded or generated in `dataDir`, and the simulator with its state
 * kept beside them (an order opened before a restart can be paid after it). The composition root only starts it.
 */
export function openEmbeddedSandbox(options: EmbeddedSandboxOptions): EmbeddedSandbox {
  const { merchant, log } = options;
  const v3Identities = new Map<string, StoredSandboxIdentity>();
  const identityOf = (mchId: string): StoredSandboxIdentity => {
    const loaded = loadOrCreateSandboxIdentity(options.dataDir, mchId, options.clock.now());
    if (loaded.created) log('info', { path: loaded.path, mchId }, 'sandbox API v3 keys generated');
    v3Identities.set(mchId, loaded.identity);
    return loaded.identity;
  };
  const v3Identity = options.v3Keys ? identityOf(merchant.mchId) : undefined;
  const merchants = (options.merchants ?? []).map((m) => ({
    mchId: m.mchId,
    appIds: m.appIds,
    ...(m.apiKey === undefined ? {} : { apiKey: m.apiKey }),
    ...(m.v3Keys ? { v3: simulatorV3Options(identityOf(m.mchId)) } : {}),
  }));
  const providers = (options.providers ?? []).map((p) => ({
    spMchId: p.spMchId,
    spAppId: p.spAppId,
    ...(p.apiKey === undefined ? {} : { apiKey: p.apiKey }),
    ...(p.v3Keys ? { v3: simulatorV3Options(identityOf(p.spMchId)) } : {}),
    subMerchants: p.subMerchants,
  }));
  if (!options.simulator) return { ...(v3Identity ? { v3Identity } : {}), v3Identities, close: () => undefined };

  const stateFile = new SimulatorStateFile(simulatorStatePath(options.dataDir, merchant.mchId, 'embedded'), log);
  const simulator = createWechatPaySimulator({
    ...(v3Identity ? { v3: simulatorV3Options(v3Identity) } : {}),
    appId: merchant.appId,
    mchId: merchant.mchId,
    apiKey: merchant.apiKey,
    appSecret: merchant.appSecret,
    ...(merchants.length > 0 ? { merchants } : {}),
    ...(providers.length > 0 ? { providers } : {}),
    ...(options.miniPrograms ? { miniPrograms: options.miniPrograms } : {}),
    clock: options.clock,
    signatureClock: options.signatureClock,
    timeScale: options.timeScale,
    logger: (event) => log('debug', { sandbox: event }, 'sandbox event'),
    onStateChange: () => stateFile.changed(),
    ...(options.notifyUrlAllowed ? { notifyUrlAllowed: options.notifyUrlAllowed } : {}),
    // The service it calls back listens on plain http on this machine; WeChat's https rule holds everywhere else.
    loopbackHttpNotify: true,
  });
  stateFile.attach(simulator);
  return {
    ...(v3Identity ? { v3Identity } : {}),
    v3Identities,
    simulator,
    close: () => {
      simulator.close();
      stateFile.flush();
    },
  };
}
