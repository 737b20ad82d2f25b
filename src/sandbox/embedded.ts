import type { Clock } from '../application/ports/clock.js';
import { loadOrCreateSandboxIdentity, simulatorV3Options, type StoredSandboxIdentity } from './identity/identity-store.js';
import { createWechatPaySimulator, type WechatPaySimulator } from './simulator/router.js';
import { SimulatorStateFile, simulatorStatePath } from './state-file.js';

export type SandboxLogLevel = 'debug' | 'info' | 'warn';
export type SandboxLog = (level: SandboxLogLevel, event: Readonly<Record<string, unknown>>, message: string) => void;

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
  readonly log: SandboxLog;
}

export interface EmbeddedSandbox {
  /** The generated API v3 keys, when asked for: the merchant's side of them configures the gateway. */
  readonly v3Identity?: StoredSandboxIdentity;
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
  let v3Identity: StoredSandboxIdentity | undefined;
  if (options.v3Keys) {
    const loaded = loadOrCreateSandboxIdentity(options.dataDir, merchant.mchId, options.clock.now());
    if (loaded.created) log('info', { path: loaded.path }, 'sandbox API v3 keys generated');
    v3Identity = loaded.identity;
  }
  if (!options.simulator) return { ...(v3Identity ? { v3Identity } : {}), close: () => undefined };

  const stateFile = new SimulatorStateFile(simulatorStatePath(options.dataDir, merchant.mchId, 'embedded'), log);
  const simulator = createWechatPaySimulator({
    ...(v3Identity ? { v3: simulatorV3Options(v3Identity) } : {}),
    appId: merchant.appId,
    mchId: merchant.mchId,
    apiKey: merchant.apiKey,
    appSecret: merchant.appSecret,
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
    simulator,
    close: () => {
      simulator.close();
      stateFile.flush();
    },
  };
}
