import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { requestIdOf } from '../adapters/http/request-context.js';
import { causeOf, StartupError } from './startup-errors.js';
import { buildContainer } from './container.js';
import { buildHttpApps, type HttpApps } from './http.js';
import { JobRunner } from './jobs.js';
import { openResources } from './resources.js';
import { TOKENS } from './tokens.js';
import type { ReloadOutcome } from './merchants-reload.js';
import { onDatabaseUnavailable } from '../adapters/persistence/sql-session.js';
import { databaseAlerts } from '../adapters/observability/database-alerts.js';

export interface RunningServer {
  readonly port: number;
  /** The admin listener's port, when ADMIN_PORT is set. */
  readonly adminPort?: number;
  /** Reads MERCHANTS_FILE again (SIGHUP); what it did, or why nothing changed, is logged. */
  reloadMerchants(actor: string): Promise<ReloadOutcome>;
  /** Stops accepting connections, lets in-flight requests finish (at most `graceMs`), stops the jobs, closes pools. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The server, in named steps: listen (answering 503 until ready, so nothing waits unanswered during migrations),
 * open the adapters the configuration names, build the container, start the jobs, serve the apps. With ADMIN_PORT a
 * second listener serves the admin API and /metrics.
 */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const ready: { apps?: HttpApps } = {};
  const server = httpServer(config, (req, res) => {
    if (!ready.apps) return notReady(req, res);
    // WeChat's callbacks first, on Node's own HTTP layer; everything else (and anything unusual on them) to Express.
    if (!ready.apps.callbacks(req, res)) ready.apps.public(req, res);
  });
  const adminServer = config.adminListener
    ? httpServer(config, (req, res) => (ready.apps?.admin ? ready.apps.admin(req, res) : notReady(req, res)))
    : undefined;
  await listen(server, config.port, config.host);
  const port = (server.address() as AddressInfo).port;

  let resources;
  try {
    if (adminServer && config.adminListener) await listen(adminServer, config.adminListener.port, config.adminListener.host, 'ADMIN_PORT');
    resources = await openResources(config, logger, { port, embedSimulator: true });
  } catch (error) {
    await Promise.all([closeServer(server, 0), adminServer?.listening ? closeServer(adminServer, 0) : undefined]);
    throw error;
  }
  const container = buildContainer(config, resources);
  if (resources.orm) onDatabaseUnavailable(resources.orm, databaseAlerts(container.get(TOKENS.Alerts)));
  const jobs = new JobRunner(container);
  jobs.start();
  ready.apps = buildHttpApps(container, resources, jobs);

  const reloader = container.get(TOKENS.MerchantsReloader);
  return {
    port,
    ...(adminServer ? { adminPort: (adminServer.address() as AddressInfo).port } : {}),
    reloadMerchants: (actor) => reloader.reload(actor),
    async stop(graceMs = 10_000) {
      await Promise.all([closeServer(server, graceMs, logger), adminServer ? closeServer(adminServer, graceMs, logger) : undefined]);
      await jobs.stop();
      await container.unbindAllAsync();
      await resources.close();
    },
  };
}

function httpServer(config: Config, handle: (req: IncomingMessage, res: ServerResponse) => void): Server {
  const { headersMs, requestMs, keepAliveMs } = config.httpTimeouts;
  return createServer(
    {
      // Chosen, not inherited: a client that dribbles its headers or body is cut off, and idle keep-alive connections
      // outlive a load balancer's 60 s idle timeout, so it never reuses one this server has just closed.
      headersTimeout: headersMs,
      requestTimeout: requestMs,
      keepAliveTimeout: keepAliveMs,
      connectionsCheckingInterval: Math.min(1_000, headersMs),
    },
    handle,
  );
}

function listen(server: Server, port: number, host: string, name = 'PORT'): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(new StartupError(`${name} ${port} on ${host}: ${causeOf(error)}`, { cause: error }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function notReady(req: IncomingMessage, res: ServerResponse): void {
  const given = req.headers['x-request-id'];
  res.writeHead(503, {
    'content-type': 'application/json',
    'retry-after': '1',
    'x-request-id': requestIdOf(typeof given === 'string' ? given : undefined),
  });
  res.end(JSON.stringify({ errcode: 503, msg: 'starting up; retry shortly', data: null }));
}

function closeServer(server: Server, graceMs: number, logger?: Logger): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      logger?.warn(`in-flight requests did not finish in ${graceMs / 1000} s; closing anyway`);
      server.closeAllConnections();
    }, graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
