import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { DayReports } from '../../src/application/reconciliation/day-reports.js';
import type { OperatorRole } from '../../src/domain/operator-role.js';
import { createHttpApp } from '../../src/adapters/http/app.js';
import { buildConsole } from '../../src/composition/http.js';
import type { OrderRepository } from '../../src/application/ports/order-repository.js';
import { TOKENS } from '../../src/composition/tokens.js';
import { rebind, silentLogger, useCaseFixture, type FixtureOptions, type UseCaseFixture } from './test-container.js';

export interface ConsoleSession {
  readonly name: string;
  readonly cookie: string;
  readonly csrf: string;
}

export interface ConsoleApp {
  readonly f: UseCaseFixture;
  readonly baseUrl: string;
  readonly actions: ReturnType<typeof buildConsole>['actions'];
  readonly router: ReturnType<typeof buildConsole>['router'];
  /** Bill dates the console asked to reconcile. */
  readonly billRuns: string[];
  /** A new operator with this role, signed in through the use case: their cookie and CSRF token. */
  session(role: OperatorRole): Promise<ConsoleSession>;
  close(): Promise<void>;
}

let serial = 0;
export const CONSOLE_PASSWORD = 'console-test-password';

/** The console as `npm start` wires it, on the use-case fixture's in-memory ports, listening on a free port. */
export async function consoleApp(
  options: { trustProxyHops?: number; orders?: OrderRepository; gateway?: 'sandbox' | 'wechat' } & FixtureOptions = {},
): Promise<ConsoleApp> {
  const f = await useCaseFixture(options);
  // The console alone on another order repository (a real database): the fixture's use cases keep the in-memory one.
  if (options.orders) rebind(f.container, TOKENS.OrderRepository, options.orders);
  if (options.gateway) rebind(f.container, TOKENS.Config, { ...f.container.get(TOKENS.Config), gateway: options.gateway });
  const billRuns: string[] = [];
  const jobs = {
    reconcileBill: async (date?: string): Promise<DayReports> => {
      billRuns.push(date ?? '');
      const billDate = date ?? '';
      const none = { billDate, available: true, matched: 0, flagged: [], discrepancies: [] };
      return {
        billDate,
        available: true,
        payments: 0,
        matched: 0,
        repaired: [],
        unknown: [],
        unknownPayments: [],
        mismatched: [],
        discrepancies: [],
        refundBill: { ...none, refunds: 0, repaired: [], unknown: [] },
        fundFlow: { ...none, lines: 0, incomeFen: 0, expenseFen: 0, feesFen: 0, payoutsFen: 0, unmatched: [] },
      };
    },
  };
  const built = buildConsole(f.container, jobs);
  const app = createHttpApp({ logger: silentLogger, trustProxyHops: options.trustProxyHops ?? 0, routers: [built.router] });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    f,
    baseUrl,
    actions: built.actions,
    router: built.router,
    billRuns,
    async session(role) {
      const name = `${role}${++serial}`;
      const added = await f.manageOperators.add({ name, role, password: CONSOLE_PASSWORD }, 'cli');
      if (!added.ok) throw new Error(added.error.kind);
      const signed = await f.signIn.execute({ name, password: CONSOLE_PASSWORD, ip: '127.0.0.1' });
      if (!signed.result.ok) throw new Error(signed.result.error.kind);
      return { name, cookie: `wxpay_console=${signed.result.value.token}`, csrf: signed.result.value.csrfToken };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A form POST as a browser sends it (same origin), with the session's cookie. */
export function postForm(app: ConsoleApp, path: string, session: ConsoleSession | undefined, form: Record<string, string>, headers = {}) {
  return fetch(`${app.baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: app.baseUrl,
      ...(session ? { cookie: session.cookie } : {}),
      ...headers,
    },
    body: new URLSearchParams(form).toString(),
  });
}
