import { SAMPLE_MERCHANT } from '../../src/adapters/wechatpay/shared/sample-merchant.js';
import { InMemoryGoodsCatalog } from '../support/doubles/in-memory-goods-catalog.js';
import { InProcessJobLease } from '../../src/adapters/in-process/in-process-job-lease.js';
import { InProcessLock } from '../../src/adapters/in-process/in-process-lock.js';
import { InMemoryNotifyLog } from '../support/doubles/in-memory-notify-log.js';
import { InMemoryOrderRepository } from '../support/doubles/in-memory-order-repository.js';
import { InMemoryUserRepository } from '../support/doubles/in-memory-user-repository.js';
import { goodsCatalogContract } from '../contracts/goods-catalog.contract.js';
import { jobLeaseContract } from '../contracts/job-lease.contract.js';
import { integralLedgerContract } from '../contracts/integral-ledger.contract.js';
import { InMemoryIntegralLedger } from '../support/doubles/in-memory-integral-ledger.js';
import { eventOutboxContract } from '../contracts/event-outbox.contract.js';
import { lockContract } from '../contracts/lock.contract.js';
import { notifyLogContract } from '../contracts/notify-log.contract.js';
import { orderRepositoryContract } from '../contracts/order-repository.contract.js';
import { userRepositoryContract } from '../contracts/user-repository.contract.js';
import { operatorsContract } from '../contracts/operators.contract.js';
import { reconcileRunsContract } from '../contracts/reconcile-runs.contract.js';
import { orderStatisticsContract } from '../contracts/order-statistics.contract.js';
import { InMemoryAuditLog } from '../support/doubles/in-memory-audit-log.js';
import { shopScopeContract } from '../contracts/shop-scope.contract.js';
import { InMemoryLoginAttempts, InMemoryOperators, InMemoryOperatorSessions } from '../support/doubles/in-memory-operators.js';
import { InMemoryReconcileRuns } from '../support/doubles/in-memory-reconcile-runs.js';
import { InMemoryOrderStatistics } from '../support/doubles/in-memory-order-statistics.js';

orderRepositoryContract('in-memory', async () => new InMemoryOrderRepository());
lockContract('in-memory', async () => new InProcessLock());
goodsCatalogContract('in-memory', async () => {
  const catalog = new InMemoryGoodsCatalog();
  return { catalog, save: async (goods) => catalog.save(goods) };
});
userRepositoryContract('in-memory', async () => new InMemoryUserRepository(), SAMPLE_MERCHANT.appId);
notifyLogContract('in-memory', async () => new InMemoryNotifyLog());

// One process has one lease table: "separate instances" share it, as processes share Redis.
const sharedLease = new InProcessJobLease();
jobLeaseContract('in-memory', async () => sharedLease);

eventOutboxContract('in-memory', async () => {
  const orders = new InMemoryOrderRepository();
  return { orders, outbox: orders.outbox };
});

integralLedgerContract('in-memory', async () => new InMemoryIntegralLedger(), 1000);

operatorsContract('in-memory', async () => ({
  operators: new InMemoryOperators(),
  sessions: new InMemoryOperatorSessions(),
  attempts: new InMemoryLoginAttempts(),
}));
reconcileRunsContract('in-memory', async () => new InMemoryReconcileRuns());
orderStatisticsContract('in-memory', async () => {
  const orders = new InMemoryOrderRepository();
  return { orders, stats: new InMemoryOrderStatistics(orders) };
});

shopScopeContract('in-memory', async () => {
  const orders = new InMemoryOrderRepository();
  return {
    orders,
    stats: new InMemoryOrderStatistics(orders),
    notifies: new InMemoryNotifyLog((no) => orders.all().find((o) => o.state.outTradeNo.value === no)?.state.merchantId),
    audit: new InMemoryAuditLog(),
    operators: new InMemoryOperators(),
  };
});
