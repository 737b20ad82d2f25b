import { Router, type NextFunction, type Request, type Response } from 'express';
import type { MiniPrograms } from '../../application/ports/mini-programs.js';
import type { MiniProgramLocals } from './auth.js';
import { sendError } from './envelope.js';

/** The path prefix naming a mini-program other than the default one: `/mp/{appid}/wechat/prepay`. */
export const MINI_PROGRAM_PREFIX = '/mp/:appId';

/**
 * Serves `routes` for every configured mini-program: under `/mp/{appid}` for each (the default one's too), and on the
 * seed's own paths for the default one. A path names a mini-program but proves nothing about who calls: that is the
 * bearer token's job (it binds uid and appid, see requireUser). An appid not configured here is a 404.
 */
export function perMiniProgram(miniPrograms: MiniPrograms, routes: Router): Router {
  const router = Router();
  router.use(
    MINI_PROGRAM_PREFIX,
    (req: Request<{ appId: string }>, res: Response<unknown, MiniProgramLocals>, next: NextFunction) => {
      const program = miniPrograms.byAppId(req.params.appId);
      if (!program) return sendError(res, 404, 'no such mini-program here');
      res.locals.appId = program.appId;
      res.locals.defaultAppId = miniPrograms.defaultAppId;
      next();
    },
    routes,
  );
  router.use((_req: Request, res: Response<unknown, MiniProgramLocals>, next: NextFunction) => {
    res.locals.appId = miniPrograms.defaultAppId;
    res.locals.defaultAppId = miniPrograms.defaultAppId;
    next();
  }, routes);
  return router;
}
