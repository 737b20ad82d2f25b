import type { Container } from 'inversify';
import type { Logger } from 'pino';
import type { Alerts } from '../../application/ports/alerts.js';
import type { Clock } from '../../application/ports/clock.js';
import type { PaymentGateway } from '../../application/ports/payment-gateway.js';
import type { InboundCallback, NotifyVerifier } from '../../application/ports/notify-verifier.js';
import { anyMerchantVerifier } from '../../adapters/merchants/any-merchant-verifier.js';
import { callbackDialect } from '../../adapters/wechatpay/shared/callback-dialect.js';
import { claimedMchId } from '../../adapters/wechatpay/v2/notify.js';
import type { Metrics } from '../../adapters/observability/metrics.js';
import { DEFAULT_MERCHANT_ID, type MerchantId } from '../../domain/merchant.js';
import type { OrderRepository } from '../../application/ports/order-repository.js';
import type { Config } from '../config.js';
import { learnLogSecrets } from '../logging.js';
import { MerchantRegistry, type MerchantAccount } from '../merchant-registry.js';
import { accountOfSettings, buildMerchantSet } from '../merchant-set.js';
import { MerchantsReloader } from '../merchants-reload.js';
import type { MiniProgramDirectory } from '../mini-program-list.js';
import type { Resources } from '../resources.js';
import type { MerchantsSettings } from '../settings/merchants-settings.js';
import type { WechatPaySimulator } from '../../sandbox/index.js';
import { TOKENS } from '../tokens.js';

/**
 * The merchants and the registry the use cases ask for a merchant's gateway. The environment configures one merchant,
 * registered as `default` (every order from before merchants existed is its): its account, and its gateway and notify
 * verifier as bindWechatPay builds them. MERCHANTS_FILE configures several, built here from the file (and again at
 * each reload); an order is opened with its mini-program's merchant (bindings/mini-programs.ts).
 */
export function bindMerchants(c: Container, config: Config, resources: Resources): void {
  const fromFile = config.merchants.source.kind === 'file';
  const accounts: readonly MerchantAccount[] = fromFile
    ? config.merchants.merchants.map(accountOfSettings)
    : [
        {
          id: DEFAULT_MERCHANT_ID,
          name: DEFAULT_MERCHANT_ID,
          mode: 'direct',
          appId: config.wechat.appId,
          mchId: config.wechat.mchId,
          apiVersion: config.apiVersion,
        },
      ];
  c.bind(TOKENS.MerchantAccounts).toConstantValue(accounts);
  c.bind(TOKENS.MerchantGateway)
    .toResolvedValue((gateway: PaymentGateway) => gateway, [TOKENS.PaymentGateway])
    .whenNamed(DEFAULT_MERCHANT_ID);

  // The gateways built from the file, every set of them (each reload builds one): closed when the container is.
  const closers: (() => void)[] = [];
  const build = (clock: Clock, metrics: Metrics) => (settings: MerchantsSettings) => {
    const set = buildMerchantSet(settings, { config, resources, clock, metrics });
    closers.push(set.close);
    return set.merchants;
  };
  c.bind(TOKENS.MerchantRegistry)
    .toResolvedValue(
      (registered: readonly MerchantAccount[], clock: Clock, metrics: Metrics) => {
        if (!fromFile) return new MerchantRegistry(c, registered, undefined, () => clock.now());
        return new MerchantRegistry(c, registered, build(clock, metrics)(config.merchants), () => clock.now());
      },
      [TOKENS.MerchantAccounts, TOKENS.Clock, TOKENS.Metrics],
    )
    .onDeactivation(() => closers.forEach((close) => close()));
  c.bind(TOKENS.MerchantsReloader).toResolvedValue(
    (registry: MerchantRegistry, miniPrograms: MiniProgramDirectory, clock: Clock, metrics: Metrics, alerts: Alerts, logger: Logger) => {
      const reloader = new MerchantsReloader({
        registry,
        settings: config.merchants,
        env: () => process.env,
        now: () => clock.now(),
        live: config.gateway === 'wechat',
        production: config.production,
        build: build(clock, metrics),
        miniPrograms,
        // Looked up when a move or a removal asks (rarely): the reloader needs no database until then.
        hasOrders: async (appId, merchantIds) => {
          if (merchantIds.length === 0) return false;
          const orders: OrderRepository = c.get(TOKENS.OrderRepository);
          return (await orders.list({ ...(appId === undefined ? {} : { appId }), merchantIds, limit: 1, offset: 0 })).length > 0;
        },
        learnSecrets: (secrets) => void learnLogSecrets(logger, secrets),
        ...(resources.simulator ? { swapped: sandboxLearns(resources.simulator) } : {}),
        metrics,
        alerts,
        logger,
      });
      reloader.announce();
      return reloader;
    },
    [TOKENS.MerchantRegistry, TOKENS.MiniProgramDirectory, TOKENS.Clock, TOKENS.Metrics, TOKENS.Alerts, TOKENS.Logger],
  );
  c.bind(TOKENS.PaymentGateways).toResolvedValue((registry: MerchantRegistry) => registry, [TOKENS.MerchantRegistry]);
  c.bind(TOKENS.Merchants).toResolvedValue((registry: MerchantRegistry) => registry, [TOKENS.MerchantRegistry]);
  // The seed's callback paths: any configured merchant's (with one merchant, exactly its verifier).
  c.bind(TOKENS.NotifyVerifier).toResolvedValue(
    (registry: MerchantRegistry): NotifyVerifier => {
      const verifiersOf = (ids: readonly MerchantId[]): NotifyVerifier[] => ids.map((id) => registry.notifyVerifierOf(id));
      if (!fromFile) return anyMerchantVerifier(verifiersOf(registry.merchantIds));
      // Reloads change the merchants: the set is looked up at each callback. Not every merchant in turn (a parse and
      // a signature each, hundreds for a forgery): an API v2 callback names its mch_id in clear, and only a merchant
      // of that mch_id can accept it; when none has it (or the XML does not read), every one would refuse, so the
      // first alone is asked, whose refusal is the one reported. API v3 names its merchant only inside the encrypted
      // resource: every merchant is asked.
      const verifiers = (callback: InboundCallback): NotifyVerifier[] => {
        const all = registry.merchantIds;
        if (callbackDialect(callback) === 'v3') return verifiersOf(all);
        const claimed = claimedMchId(callback.body);
        const ids = claimed === undefined ? [] : registry.merchantIdsOf(claimed);
        return verifiersOf(ids.length > 0 ? ids : all.slice(0, 1));
      };
      return {
        payment: (callback) => anyMerchantVerifier(verifiers(callback)).payment(callback),
        refund: (callback) => anyMerchantVerifier(verifiers(callback)).refund(callback),
      };
    },
    [TOKENS.MerchantRegistry],
  );
}

/**
 * Sandbox mode: the embedded simulator stands in WeChat, which knows a mini-program as soon as it is registered and
 * bound to its merchant in 商户平台; so it learns a reload's mini-programs (AppSecret, and appid bound to the merchant).
 * A merchant first named at a reload is not taught: its mch_id and keys are the simulator's only from a restart.
 */
function sandboxLearns(simulator: WechatPaySimulator): (settings: MerchantsSettings) => void {
  return (settings) => {
    for (const p of settings.miniPrograms) {
      const merchant = settings.merchants.find((m) => m.id === p.merchantId);
      if (p.appSecret === undefined || !merchant) continue;
      simulator.learnMiniProgram({
        appId: p.appId,
        appSecret: p.appSecret,
        mchId: merchant.mchId,
        ...(merchant.subMchId === undefined ? {} : { subMchId: merchant.subMchId }),
      });
    }
  };
}
