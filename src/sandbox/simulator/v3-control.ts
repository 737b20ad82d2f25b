import express, { Router } from 'express';
import type { SimAccount, SimAccounts } from './accounts.js';
import type { SignWith, SimulatorV3Keys } from './v3-keys.js';

/** One account's public v3 material (and, this being a sandbox, its APIv3 key); never a private key. */
function v3Material(keys: SimulatorV3Keys): Record<string, unknown> {
  return {
    api_v3_key: keys.apiV3Key,
    merchant_certificates: keys.merchantMaterial().map((m) => ({
      serial_no: m.serialNo,
      certificate: m.pem.includes('CERTIFICATE') ? m.pem : null,
      public_key: m.publicKeyPem,
    })),
    wechatpay_public_key: keys.publicKey ? { id: keys.publicKey.serial, public_key: keys.publicKey.publicKeyPem } : null,
    platform_certificates: keys.platform.map((p) => ({ serial_no: p.serial, certificate: p.pem })),
    signer: { sign_with: keys.signWith, platform_serial: keys.currentPlatformSerial ?? null },
  };
}

function describe(account: SimAccount): Record<string, unknown> {
  const v3 = account.v3Keys ? v3Material(account.v3Keys) : { api_v3_key: null };
  if (account.kind === 'provider') {
    return {
      sp_appid: account.appId,
      sp_mchid: account.mchId,
      sub_merchants: [...account.subMerchants].map(([subMchId, appIds]) => ({ sub_mchid: subMchId, sub_appids: [...appIds] })),
      ...v3,
    };
  }
  return { appid: account.appId, appids: [...account.appIds], mchid: account.mchId, ...v3 };
}

/**
 * `GET /control/keys`: the public material a tester needs to check every v3 signature from outside — the merchant
 * certificate and public key (paySign, request signatures), WeChat Pay's public key and its ID, the platform
 * certificates — and, because this is a sandbox, the APIv3 key (to decrypt notify resources). Never a private key.
 * The simulator's own merchant at the top level (the single-merchant shape); further direct merchants under
 * `merchants` and providers under `providers`, keyed by mch_id (each with its own keys: WeChat gives every merchant
 * its own public key and platform certificates). `POST /control/keys/signer {"sign_with", "platform_serial"?,
 * "mchid"?}` switches how that merchant's notifies are signed (a migration, a certificate rotation).
 */
export function createV3KeysRouter(accounts: SimAccounts): Router {
  const router = Router();
  router.use(express.json({ limit: '4kb', type: () => true }));
  router.get('/', (_req, res) => {
    const { primary } = accounts;
    const others = accounts.all().filter((a) => !a.primary);
    const extras = {
      ...(others.some((a) => a.kind === 'direct')
        ? { merchants: Object.fromEntries(others.filter((a) => a.kind === 'direct').map((a) => [a.mchId, describe(a)])) }
        : {}),
      ...(others.some((a) => a.kind === 'provider')
        ? { providers: Object.fromEntries(others.filter((a) => a.kind === 'provider').map((a) => [a.mchId, describe(a)])) }
        : {}),
    };
    res.json({
      appid: primary.appId,
      mchid: primary.mchId,
      ...(primary.v3Keys ? v3Material(primary.v3Keys) : {}),
      ...extras,
    });
  });
  router.post('/signer', (req, res) => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const mode = body.sign_with;
    const serial = typeof body.platform_serial === 'string' ? body.platform_serial : undefined;
    const account = typeof body.mchid === 'string' ? accounts.get(body.mchid) : accounts.primary;
    const keys = account?.v3Keys;
    if (!keys || (mode !== 'publicKey' && mode !== 'platformCertificate') || !keys.use(mode as SignWith, serial)) {
      res
        .status(400)
        .json({ error: 'sign_with must be publicKey or platformCertificate, naming a key the simulator has (mchid: a v3 merchant)' });
      return;
    }
    res.json({ sign_with: keys.signWith, platform_serial: keys.currentPlatformSerial ?? null });
  });
  return router;
}
