import express, { Router } from 'express';
import type { BrokerContext } from '../context';
import { accountHandlers } from './account';
import { sessionHandlers } from './sessions';
import { acdHandlers } from './acd';
import { joinByNumberHandlers } from './joinByNumber';
import { capabilitiesHandlers } from './capabilities';
import { errorHandler, notFoundHandler } from './errors';
import { registerRoutes } from './routeTable';

export const BODY_LIMIT = '64kb';

/** The REST API, mounted at /api, registered from core/protocol/routes.ts. Every failure leaves as `{error:{code,message}}`. */
export function apiRouter(ctx: BrokerContext): Router {
  const router = Router();
  router.use(express.json({ limit: BODY_LIMIT }));
  registerRoutes(router, ctx, {
    ...capabilitiesHandlers(ctx),
    ...accountHandlers(ctx),
    ...sessionHandlers(ctx),
    ...joinByNumberHandlers(ctx),
    ...acdHandlers(ctx),
  });
  router.use(notFoundHandler);
  router.use(errorHandler(ctx.log));
  return router;
}
