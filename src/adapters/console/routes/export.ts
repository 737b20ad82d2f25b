import { inputError } from '../input-errors.js';
import type { ConsoleRoutes } from '../guarded-routes.js';
import { sendError } from '../guarded-routes.js';
import { merchantFilterOf } from '../../../domain/shop-scope.js';
import { scopeOf, type ConsoleResponse } from '../context.js';
import { sendCsv } from '../csv.js';
import type { ConsoleDeps } from '../deps.js';
import { orderTable, refundTable, runTable, type Cell, type ExportTable } from '../export-tables.js';
import { goodsNames } from '../goods-names.js';
import { parseDayRange, parseOrderSearch, withOpenid } from '../order-filter.js';

/** Rows read per query: an export holds one page in memory, never the file. */
const ORDERS_PER_PAGE = 100;
const REFUNDS_PER_PAGE = 500;
const RUNS_PER_PAGE = 200;

/**
 * Reads `read(offset, limit)` page after page, oldest first, until a page comes back empty (a page short of the limit
 * is not the end: a repository leaves out rows it cannot read), and turns each into rows.
 */
async function* pages<T>(
  ctx: ConsoleResponse['locals']['console'],
  table: ExportTable<T>,
  perPage: number,
  read: (offset: number, limit: number) => Promise<readonly T[]>,
): AsyncGenerator<Cell[][]> {
  for (let offset = 0; ; offset += perPage) {
    const items = await read(offset, perPage);
    if (items.length === 0) return;
    yield items.map((item) => table.row(ctx, item));
  }
}

const fileName = (what: string, from?: string, to?: string): string =>
  `${[what, from, to].filter((part) => part !== undefined).join('_')}.csv`;

/**
 * CSV files of orders (with the orders page's filters), refunds and reconciliation runs (by Beijing days), streamed:
 * UTF-8 with a byte order mark so that Excel shows Chinese, formulas neutralised (csv.ts).
 */
export function exportRoutes(routes: ConsoleRoutes, deps: ConsoleDeps): void {
  const refused = (res: ConsoleResponse, problems: readonly string[]) =>
    sendError(res, 400, 'error.export', problems.map((p) => inputError(res.locals.console, p)).join('；'));

  routes.page('/console/export/orders.csv', 'read', async (req, res) => {
    const ctx = res.locals.console;
    const search = parseOrderSearch(req.query as Record<string, unknown>);
    if (search.problems.length) return refused(res, search.problems);
    const filter = await withOpenid(search, (openid) => deps.users.findByOpenid(openid));
    const table = orderTable(await goodsNames(deps.goods));
    const merchantIds = merchantFilterOf(scopeOf(res));
    const read = async (offset: number, limit: number) =>
      filter ? deps.orders.list({ ...filter, merchantIds, oldestFirst: true, limit, offset }) : [];
    await sendCsv(res, fileName('orders', search.form.from, search.form.to), table.header(ctx), pages(ctx, table, ORDERS_PER_PAGE, read));
  });

  routes.page('/console/export/refunds.csv', 'read', async (req, res) => {
    const ctx = res.locals.console;
    const range = parseDayRange(req.query as Record<string, unknown>);
    if (range.problems.length) return refused(res, range.problems);
    const window = { ...(range.from && { requestedFrom: range.from }), ...(range.before && { requestedBefore: range.before }) };
    const merchantIds = merchantFilterOf(scopeOf(res));
    const read = (offset: number, limit: number) => deps.orders.listRefunds({ ...window, merchantIds, oldestFirst: true, limit, offset });
    const name = fileName('refunds', range.form.from, range.form.to);
    await sendCsv(res, name, refundTable.header(ctx), pages(ctx, refundTable, REFUNDS_PER_PAGE, read));
  });

  routes.page('/console/export/reconciliation.csv', 'readBills', async (req, res) => {
    const ctx = res.locals.console;
    const range = parseDayRange(req.query as Record<string, unknown>);
    if (range.problems.length) return refused(res, range.problems);
    const window = { ...(range.from && { startedFrom: range.from }), ...(range.before && { startedBefore: range.before }) };
    const read = (offset: number, limit: number) => deps.runs.latest({ ...window, oldestFirst: true, limit, offset });
    const name = fileName('reconciliation', range.form.from, range.form.to);
    await sendCsv(res, name, runTable.header(ctx), pages(ctx, runTable, RUNS_PER_PAGE, read));
  });
}
