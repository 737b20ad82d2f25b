import { InMemoryLock } from '../../src/adapters/memory/in-memory-lock.js';
import { InMemoryOrderRepository } from '../../src/adapters/memory/in-memory-order-repository.js';
import { lockContract } from '../contracts/lock.contract.js';
import { orderRepositoryContract } from '../contracts/order-repository.contract.js';

orderRepositoryContract('in-memory', async () => new InMemoryOrderRepository());
lockContract('in-memory', async () => new InMemoryLock());
