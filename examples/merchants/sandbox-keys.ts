/**
 * `npx tsx examples/merchants/sandbox-keys.ts [data folder]`: the API v3 keys of the example's v3 merchant (east,
 * 1900000110) and provider (acme, 1900000100), as the sandbox keeps them (generated once in the data folder, default
 * SANDBOX_DATA_DIR or ./data, where the service's embedded simulator reads them), written out as the PEM and text
 * files merchants.json names (keys/<mch_id>/…, beside this script; git ignores them). Sandbox keys only: never use
 * them with WeChat.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadOrCreateSandboxIdentity } from '../../src/sandbox/identity/identity-store.js';

/** The v3 merchants and providers of merchants.json. */
export const EXAMPLE_V3_MCH_IDS = ['1900000110', '1900000100'] as const;

export function exportSandboxKeys(dataDir: string, keysDir: string): void {
  for (const mchId of EXAMPLE_V3_MCH_IDS) {
    const { identity } = loadOrCreateSandboxIdentity(dataDir, mchId, new Date());
    const folder = join(keysDir, mchId);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const files: Record<string, string> = {
      'apiclient_key.pem': identity.merchant.privateKeyPem,
      'apiclient_cert.pem': identity.merchant.certificatePem,
      serial: identity.merchant.serialNo,
      apiv3_key: identity.apiV3Key,
      'pub_key.pem': identity.wechatpayPublicKey.publicKeyPem,
      pub_key_id: identity.wechatpayPublicKey.id,
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content, { mode: 0o600 });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dataDir = resolve(process.argv[2] ?? process.env.SANDBOX_DATA_DIR ?? 'data');
  const keysDir = join(import.meta.dirname, 'keys');
  exportSandboxKeys(dataDir, keysDir);
  console.log(`sandbox API v3 keys of ${EXAMPLE_V3_MCH_IDS.join(', ')} (kept in ${dataDir}) written to ${keysDir}`);
}
