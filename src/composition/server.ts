import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { buildContainer } from './container.js';
import { buildHttpApp } from './http.js';
import { JobRunner } from './jobs.js';
import { openResources } from './resources.js';

export interface RunningServer {
  readonly port: number;
  /** Stops accepting connections, lets in-flight requests finish (at most `graceMs`), stops the jobs, closes pools. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The server, in named steps: listen (answering 503 until ready, so nothing waits unanswered during migrations),
 * open the adapters the configuration names, build the container, start the jobs, serve the app.
 */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const ready: { app?: Express } = {};
  const { headersMs, requestMs, keepAliveMs } = config.httpTimeouts;
  const server = createServer(
    {
      // Chosen, not inherited: a client that dribbles its headers or body is cut off, and idle keep-alive connections
      // outlive a load balancer's 60 s idle timeout, so it never reuses one this server has just closed.
      headersTimeout: headersMs,
      requestTimeout: requestMs,
      keepAliveTimeout: keepAliveMs,
      connectionsCheckingInterval: Math.min(1_000, headersMs),
    },
    (req, res) => (ready.app ? ready.app(req, res) : notReady(res)),
  );
  await listen(server, config);
  const port = (server.address() as AddressInfo).port;

  let resources;
  try {
    resources = await openResources(config, logger, { port, embedSimulator: true });
  } catch (error) {
    await closeServer(server, 0);
    throw error;
  }
  const container = buildContainer(config, resources);
  const jobs = new JobRunner(container);
  jobs.start();
  ready.app = buildHttpApp(container, resources, jobs);

  return {
    port,
    async stop(graceMs = 10_000) {
      await closeServer(server, graceMs, logger);
      await jobs.stop();
      await container.unbindAllAsync();
      await resources.close();
    },
  };
}

function listen(server: Server, config: Config): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function notReady(res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
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
