import express, { Router } from 'express';
import type { BrokerContext } from '../context';
import { accountRouter } from './account';
import { sessionsRouter } from './sessions';
import { joinByNumberRouter } from './joinByNumber';
import { capabilitiesRouter } from './capabilities';
import { errorHandler, notFoundHandler } from './errors';

export const BODY_LIMIT = '64kb';

/** The REST API, mounted at /api. Every failure leaves as `{error:{code,message}}`. */
export function apiRouter(ctx: BrokerContext): Router {
  const router = Router();
  router.use(express.json({ limit: BODY_LIMIT }));
  router.use(capabilitiesRouter(ctx));
  router.use(accountRouter(ctx));
  router.use(sessionsRouter(ctx));
  router.use(joinByNumberRouter(ctx));
  router.use(notFoundHandler);
  router.use(errorHandler(ctx.log));
  return router;
}
