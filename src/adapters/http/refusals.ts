import type { Logger } from 'pino';

/**
 * WeChat's own words for a refusal go to the log (return_msg / err_code / err_code_des — never a key): a
 * configuration refusal is an alert for the operators, a refused request a warning.
 */
export function logRefusal(logger: Logger, api: string, refusal: { code: string; message: string; category: string }): void {
  const fields = { api, errCode: refusal.code, errCodeDes: refusal.message, category: refusal.category };
  if (refusal.category === 'configuration')
    logger.error({ alert: true, ...fields }, `WeChat Pay refused ${api}: the merchant configuration must be fixed`);
  else logger.warn(fields, `WeChat Pay refused ${api}`);
}
