import { InMemoryGoodsCatalog } from '../../src/adapters/memory/in-memory-goods-catalog.js';
import { InMemoryJobLease } from '../../src/adapters/memory/in-memory-job-lease.js';
import { InMemoryLock } from '../../src/adapters/memory/in-memory-lock.js';
import { InMemoryNotifyLog } from '../../src/adapters/memory/in-memory-notify-log.js';
import { InMemoryOrderRepository } from '../../src/adapters/memory/in-memory-order-repository.js';
import { InMemoryUserRepository } from '../../src/adapters/memory/in-memory-user-repository.js';
import { goodsCatalogContract } from '../contracts/goods-catalog.contract.js';
import { jobLeaseContract } from '../contracts/job-lease.contract.js';
import { integralLedgerContract } from '../contracts/integral-ledger.contract.js';
import { InMemoryIntegralLedger } from '../../src/adapters/memory/in-memory-integral-ledger.js';
import { eventOutboxContract } from '../contracts/event-outbox.contract.js';
import { lockContract } from '../contracts/lock.contract.js';
import { notifyLogContract } from '../contracts/notify-log.contract.js';
import { orderRepositoryContract } from '../contracts/order-repository.contract.js';
import { userRepositoryContract } from '../contracts/user-repository.contract.js';

orderRepositoryContract('in-memory', async () => new InMemoryOrderRepository());
lockContract('in-memory', async () => new InMemoryLock());
goodsCatalogContract('in-memory', async () => {
  const catalog = new InMemoryGoodsCatalog();
  return { catalog, save: async (goods) => catalog.save(goods) };
});
userRepositoryContract('in-memory', async () => new InMemoryUserRepository());
notifyLogContract('in-memory', async () => new InMemoryNotifyLog());

// One process has one lease table: "separate instances" share it, as processes share Redis.
const sharedLease = new InMemoryJobLease();
jobLeaseContract('in-memory', async () => sharedLease);

eventOutboxContract('in-memory', async () => {
  const orders = new InMemoryOrderRepository();
  return { orders, outbox: orders.outbox };
});

integralLedgerContract('in-memory', async () => new InMemoryIntegralLedger(), 1000);
