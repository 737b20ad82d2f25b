import express, { Router } from 'express';
import type { SignWith, SimulatorV3Keys } from './v3-keys.js';

/**
 * `GET /control/keys`: the public material a tester needs to check every v3 signature from outside — the merchant
 * certificate and public key (paySign, request signatures), WeChat Pay's public key and its ID, the platform
 * certificates — and, because this is a sandbox, the APIv3 key (to decrypt notify resources). Never a private key.
 * `POST /control/keys/signer {"sign_with", "platform_serial"?}` switches how notifies are signed (a migration, a
 * certificate rotation).
 */
export function createV3KeysRouter(keys: SimulatorV3Keys, merchant: { readonly appId: string; readonly mchId: string }): Router {
  const router = Router();
  router.use(express.json({ limit: '4kb', type: () => true }));
  router.get('/', (_req, res) => {
    res.json({
      appid: merchant.appId,
      mchid: merchant.mchId,
      api_v3_key: keys.apiV3Key,
      merchant_certificates: keys.merchantMaterial().map((m) => ({
        serial_no: m.serialNo,
        certificate: m.pem.includes('CERTIFICATE') ? m.pem : null,
        public_key: m.publicKeyPem,
      })),
      wechatpay_public_key: keys.publicKey ? { id: keys.publicKey.serial, public_key: keys.publicKey.publicKeyPem } : null,
      platform_certificates: keys.platform.map((p) => ({ serial_no: p.serial, certificate: p.pem })),
      signer: { sign_with: keys.signWith, platform_serial: keys.currentPlatformSerial ?? null },
    });
  });
  router.post('/signer', (req, res) => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const mode = body.sign_with;
    const serial = typeof body.platform_serial === 'string' ? body.platform_serial : undefined;
    if ((mode !== 'publicKey' && mode !== 'platformCertificate') || !keys.use(mode as SignWith, serial)) {
      res.status(400).json({ error: 'sign_with must be publicKey or platformCertificate, naming a key the simulator has' });
      return;
    }
    res.json({ sign_with: keys.signWith, platform_serial: keys.currentPlatformSerial ?? null });
  });
  return router;
}
