import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import {
  checkMerchantCertificate,
  MerchantCertificateError,
  type CertificateSource,
  type CheckedCertificate,
} from '../adapters/wechatpay/v2/merchant-certificate.js';
import type { Config } from './config.js';
import { StartupError } from './startup-errors.js';

/** WeChat's API certificates last five years; a month's warning leaves time to renew one in 商户平台. */
const WARN_DAYS = 30;

/**
 * Loads and checks the configured merchant API certificate at start-up (see checkMerchantCertificate), naming the
 * variable at fault; warns when it expires within 30 days. Undefined when none is configured.
 */
export function openMerchantCertificate(config: Config, now: Date, logger: Logger): CheckedCertificate | undefined {
  const c = config.wechat.certificate;
  if (!c) return undefined;
  const variables = c.p12Path !== undefined ? 'WECHAT_CERT_P12' : 'WECHAT_CERT_PEM / WECHAT_KEY_PEM';
  const source: CertificateSource =
    c.p12Path !== undefined
      ? { kind: 'p12', pfx: read('WECHAT_CERT_P12', c.p12Path), passphrase: c.passphrase ?? '' }
      : { kind: 'pem', cert: read('WECHAT_CERT_PEM', c.certPemPath ?? ''), key: read('WECHAT_KEY_PEM', c.keyPemPath ?? '') };
  let checked: CheckedCertificate;
  try {
    checked = checkMerchantCertificate(source, config.wechat.mchId, now);
  } catch (error) {
    if (!(error instanceof MerchantCertificateError)) throw error;
    const at = error.problem === 'wrongPassphrase' ? 'WECHAT_CERT_PASSPHRASE (default: the mch_id)' : variables;
    throw new StartupError(`merchant API certificate, ${at}: ${error.message}`, { cause: error, configuration: true });
  }
  const summary = { subject: checked.subject, serialNumber: checked.serialNumber, validTo: checked.validTo, daysLeft: checked.daysLeft };
  if (checked.daysLeft <= WARN_DAYS) {
    logger.warn(
      { alert: true, certificate: summary },
      `the merchant API certificate expires in ${checked.daysLeft} days: renew it in 商户平台`,
    );
  } else {
    logger.info({ certificate: summary }, 'merchant API certificate checked');
  }
  return checked;
}

function read(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error);
    throw new StartupError(`${variable} ${path}: ${why}`, { cause: error, configuration: true });
  }
}
