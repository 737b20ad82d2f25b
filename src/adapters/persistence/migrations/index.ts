import type { MigrationObject } from '@mikro-orm/core';
import { Migration20260601000001SeedTables } from './Migration20260601000001SeedTables.js';
import { Migration20260601000002OrderColumns } from './Migration20260601000002OrderColumns.js';
import { Migration20260601000003ServiceTables } from './Migration20260601000003ServiceTables.js';
import { Migration20260601000004IntegralLedger } from './Migration20260601000004IntegralLedger.js';
import { Migration20261130000005OrderRefunds } from './Migration20261130000005OrderRefunds.js';
import { Migration20261130000006AuditLog } from './Migration20261130000006AuditLog.js';
import { Migration20261201000007OperatorConsole } from './Migration20261201000007OperatorConsole.js';
import { Migration20261207000008LoginGate } from './Migration20261207000008LoginGate.js';
import { Migration20261207000009OrderMerchant } from './Migration20261207000009OrderMerchant.js';
import { Migration20261207000010OperatorTotp } from './Migration20261207000010OperatorTotp.js';
import { Migration20261207000011GoodsPricesToTheFen } from './Migration20261207000011GoodsPricesToTheFen.js';
import { Migration20261207000012GrantReason } from './Migration20261207000012GrantReason.js';
import { Migration20261207000013RefundParts } from './Migration20261207000013RefundParts.js';
import { Migration20261207000014MiniPrograms } from './Migration20261207000014MiniPrograms.js';
import { Migration20261207000015OperatorShops } from './Migration20261207000015OperatorShops.js';
import { Migration20261207000016OrderChangeProcedure } from './Migration20261207000016OrderChangeProcedure.js';
import { Migration20261207000017AwaitingPaymentIndex } from './Migration20261207000017AwaitingPaymentIndex.js';

/**
 * Listed explicitly rather than globbed, so they run the same from tsx, vitest and the compiled build. Append only;
 * never edit one that has shipped.
 */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20260601000001SeedTables', class: Migration20260601000001SeedTables },
  { name: 'Migration20260601000002OrderColumns', class: Migration20260601000002OrderColumns },
  { name: 'Migration20260601000003ServiceTables', class: Migration20260601000003ServiceTables },
  { name: 'Migration20260601000004IntegralLedger', class: Migration20260601000004IntegralLedger },
  { name: 'Migration20261130000005OrderRefunds', class: Migration20261130000005OrderRefunds },
  { name: 'Migration20261130000006AuditLog', class: Migration20261130000006AuditLog },
  { name: 'Migration20261201000007OperatorConsole', class: Migration20261201000007OperatorConsole },
  { name: 'Migration20261207000008LoginGate', class: Migration20261207000008LoginGate },
  { name: 'Migration20261207000009OrderMerchant', class: Migration20261207000009OrderMerchant },
  { name: 'Migration20261207000010OperatorTotp', class: Migration20261207000010OperatorTotp },
  { name: 'Migration20261207000011GoodsPricesToTheFen', class: Migration20261207000011GoodsPricesToTheFen },
  { name: 'Migration20261207000012GrantReason', class: Migration20261207000012GrantReason },
  { name: 'Migration20261207000013RefundParts', class: Migration20261207000013RefundParts },
  { name: 'Migration20261207000014MiniPrograms', class: Migration20261207000014MiniPrograms },
  { name: 'Migration20261207000015OperatorShops', class: Migration20261207000015OperatorShops },
  { name: 'Migration20261207000016OrderChangeProcedure', class: Migration20261207000016OrderChangeProcedure },
  { name: 'Migration20261207000017AwaitingPaymentIndex', class: Migration20261207000017AwaitingPaymentIndex },
];
