import { Router, type Request, type Response } from 'express';
import { sendError, sendOk } from './envelope.js';
import type { Metrics } from '../observability/metrics.js';
import { requireOptionalToken } from './auth.js';

/** A named dependency check for /readyz; it rejects or resolves false when the dependency is unusable. */
export type ReadinessCheck = () => Promise<boolean>;

/** Liveness and readiness probes: served on every listener. */
export function probeRoutes(checks: Readonly<Record<string, ReadinessCheck>>): Router {
  const router = Router();

  router.get('/healthz', (_req: Request, res: Response) => sendOk(res, { status: 'ok' }));

  router.get('/readyz', async (_req: Request, res: Response) => {
    const results = Object.fromEntries(
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => [name, await withTimeout(check(), 2_000).catch(() => false)] as const),
      ),
    );
    const ready = Object.values(results).every(Boolean);
    if (!ready) {
      res.status(503).json({ errcode: 503, msg: 'not ready', data: results });
      return;
    }
    sendOk(res, results);
  });

  return router;
}

/** Prometheus metrics, behind METRICS_TOKEN when one is configured (and on the admin listener when ADMIN_PORT is set). */
export function metricsRoutes(metrics: Metrics, token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', requireOptionalToken(token, 'metrics token required'), async (_req: Request, res: Response) => {
    try {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    } catch {
      sendError(res, 500, 'metrics unavailable');
    }
  });

  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
