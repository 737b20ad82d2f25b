import { Router, type Request, type Response } from 'express';
import type { OpenApiDocument } from './document.js';
import { renderDocsPage } from './docs-page.js';

/** `GET /openapi.json` (the document as it is) and `GET /docs` (the same, for people). */
export function openApiRoutes(document: OpenApiDocument): Router {
  const router = Router();
  const page = renderDocsPage(document);
  router.get('/openapi.json', (_req: Request, res: Response) => {
    res.json(document);
  });
  router.get('/docs', (_req: Request, res: Response) => {
    // A static page: no script may run on it, and it loads nothing from anywhere.
    res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    res.type('html').send(page);
  });
  return router;
}
