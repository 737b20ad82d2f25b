import type { Clock } from '../../application/ports/clock.js';
import type { SimulatorMerchantOptions, SimulatorMiniProgramOptions, SimulatorProviderOptions } from './accounts.js';
import type { AckMode, SimulatorEvent } from './notifier.js';
import type { SimulatorV3Options } from './v3-keys.js';

export interface SimulatorCredentials {
  readonly appId: string;
  readonly mchId: string;
  readonly apiKey: string;
  readonly appSecret: string;
}

/** Credentials left out are WeChat's published sample merchant's (shared/sample-merchant.ts). */
export interface WechatPaySimulatorOptions extends Partial<SimulatorCredentials> {
  /** Order, prepay and login-code ages are measured on this clock (inject a ManualClock to travel). */
  readonly clock?: Clock;
  /** Multiplies WeChat's delays (notify schedule, delay faults, refund settling): 0.001 makes 15 s into 15 ms. Default 1. */
  readonly timeScale?: number;
  readonly logger?: (event: SimulatorEvent) => void;
  /** How a notify answer is judged; default exact (the digest §5.2 document). */
  readonly ackMode?: AckMode;
  /** Real ms WeChat waits for a notify answer. Default 5000. */
  readonly notifyAttemptTimeoutMs?: number;
  /** Seconds between notify attempts; default WeChat's current 15-retry schedule. */
  readonly notifySchedule?: readonly number[];
  /**
   * Which notify URLs a unifiedorder or refund may name (v2 and v3): the embedded sandbox allows only the service's
   * own callbacks, so nobody can make it POST signed notifies elsewhere. Default: any well-formed URL (standalone).
   */
  readonly notifyUrlAllowed?: (url: string) => boolean;
  /**
   * Accept `http://` notify URLs whose host is a loopback address (127.0.0.0/8, localhost, [::1]). WeChat calls back
   * over https only, and so does the simulator by default; the embedded sandbox sets this, since it calls back the
   * service it runs in on that service's plain-http port. Default false.
   */
  readonly loopbackHttpNotify?: boolean;
  /** Refund notify URL when a refund request carries none (WeChat's merchant-platform setting). */
  readonly refundNotifyUrl?: string;
  /** WeChat ms from refund acceptance to SUCCESS (scaled by timeScale). Default 3000. */
  readonly refundSettleMs?: number;
  /** Send the refund notify when a refund settles. Default true. */
  readonly autoRefundNotify?: boolean;
  /** Real ms a "timeout" fault holds the connection before dropping it. Default 60000. */
  readonly hangMs?: number;
  /** WeChat often omits sign_type from HMAC orders' notifies (digest §2.3, T16); set true to include it. */
  readonly notifyIncludesSignType?: boolean;
  /** Refuse /secapi calls without a verified client certificate (when mounted on an https server). */
  readonly requireClientCertForSecapi?: boolean;
  /** API v3 (`/v3/...`, `/control/keys`) on the same state as v2, with these keys; v2 only when absent. */
  readonly v3?: SimulatorV3Options;
  /**
   * The clock v3 signature timestamps are made and checked with. Default: `clock`. A standalone simulator whose
   * business clock was moved forward signs with real time, since its merchants check ±300 s against theirs.
   */
  readonly signatureClock?: Clock;
  /**
   * Direct merchants besides the one above, each with its own mch_id, appids and keys: requests are verified with the
   * keys of the mch_id they name, answers and notifies signed with them, and out_trade_no is unique per merchant.
   */
  readonly merchants?: readonly SimulatorMerchantOptions[];
  /** Providers (服务商) with their bound sub-merchants: partner mode on both APIs (sub_mch_id, sub_appid, sub_openid). */
  readonly providers?: readonly SimulatorProviderOptions[];
  /** AppSecrets of further mini-programs, for code2Session with their appids. */
  readonly miniPrograms?: readonly SimulatorMiniProgramOptions[];
  /** Called after every change of what snapshot() returns (orders, refunds, codes, the clock moved by /control/clock). */
  readonly onStateChange?: () => void;
}
