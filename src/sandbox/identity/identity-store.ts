import { randomInt } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimulatorV3Options } from '../simulator/v3-keys.js';
import { generateSandboxIdentity, type SandboxIdentity } from './sandbox-identity.js';

/** A sandbox identity plus the APIv3 key the merchant would have set in the merchant platform. */
export interface StoredSandboxIdentity extends SandboxIdentity {
  readonly mchId: string;
  readonly apiV3Key: string;
}

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const randomApiV3Key = (): string => Array.from({ length: 32 }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');

const isStored = (value: unknown, mchId: string): value is StoredSandboxIdentity => {
  const v = value as Partial<StoredSandboxIdentity> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.mchId === mchId &&
    typeof v.apiV3Key === 'string' &&
    typeof v.merchant?.privateKeyPem === 'string' &&
    typeof v.platform?.certificatePem === 'string' &&
    typeof v.wechatpayPublicKey?.id === 'string'
  );
};

/**
 * The sandbox's API v3 keys, generated at first start and kept in `folder` (mode 0600), so that restarts, the
 * standalone simulator and a tester's scripts all see the same merchant certificate, WeChat Pay public key and
 * platform certificate. These are sandbox keys, issued by a CA that says "sandbox"; never use them with WeChat.
 */
export function loadOrCreateSandboxIdentity(
  folder: string,
  mchId: string,
  now: Date,
): { readonly identity: StoredSandboxIdentity; readonly path: string; readonly created: boolean } {
  const path = join(folder, `wechatpay-v3-sandbox-${mchId}.json`);
  if (existsSync(path)) {
    let stored: unknown;
    try {
      stored = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      throw new Error(`${path} is not readable JSON; delete it to generate new sandbox keys`);
    }
    if (!isStored(stored, mchId)) throw new Error(`${path} is not a sandbox identity for mch_id ${mchId}; delete it to generate new keys`);
    return { identity: stored, path, created: false };
  }
  const identity: StoredSandboxIdentity = {
    mchId,
    apiV3Key: randomApiV3Key(),
    ...generateSandboxIdentity({ mchId, merchantName: 'wxpay-server sandbox merchant', now }),
  };
  mkdirSync(folder, { recursive: true });
  // Written aside, then linked into place: a reader never sees half a file, and of two processes starting at once
  // (the standalone simulator and a service) the first link wins and the other reads it.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(identity, null, 2), { mode: 0o600 });
  chmodSync(temporary, 0o600);
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSandboxIdentity(folder, mchId, now);
    throw error;
  } finally {
    unlinkSync(temporary);
  }
  return { identity, path, created: true };
}

/** The simulator's side of the sandbox identity: it verifies the merchant and signs as WeChat Pay. */
export function simulatorV3Options(identity: StoredSandboxIdentity): SimulatorV3Options {
  return {
    apiV3Key: identity.apiV3Key,
    merchants: [{ serialNo: identity.merchant.serialNo, certificatePem: identity.merchant.certificatePem }],
    publicKey: identity.wechatpayPublicKey,
    platformCertificates: [identity.platform],
    signWith: 'publicKey',
  };
}
