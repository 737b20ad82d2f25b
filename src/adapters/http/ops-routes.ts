import { Router, type Request, type Response } from 'express';
import { sendError, sendOk } from './envelope.js';
import type { Metrics } from '../observability/metrics.js';

/** A named dependency check for /readyz; it rejects or resolves false when the dependency is unusable. */
export type ReadinessCheck = () => Promise<boolean>;

/** Liveness, readiness and Prometheus metrics for operations. */
export function opsRoutes(metrics: Metrics, checks: Readonly<Record<string, ReadinessCheck>>): Router {
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

  router.get('/metrics', async (_req: Request, res: Response) => {
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
