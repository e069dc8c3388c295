import * as v from 'valibot';
import type { Request, RequestHandler, Response, Router } from 'express';
import { errorsOf, routes, type AuthKind, type RouteName, type Routes } from '../../core/protocol';
import type { BrokerContext } from '../context';
import type { Caller } from '../sessions/caller';
import { ApiError, parse } from './errors';
import { requireCaller, requireRep } from './authenticate';

/**
 * Registers every route of `core/protocol/routes.ts` on the API router: authenticate by the route's
 * auth kind, validate params and body with its schemas, call the handler, answer its result with the
 * route's status. Handlers stay thin: they call the session rules. A missing handler fails to compile.
 */

type RepCaller = Extract<Caller, { kind: 'rep' }>;
type CallerFor<A extends AuthKind> = A extends 'rep' ? RepCaller : A extends 'caller' ? Caller : undefined;
type Parsed<S> = S extends v.GenericSchema ? v.InferOutput<S> : undefined;

export interface HandlerInput<N extends RouteName> {
  params: Routes[N] extends { params: infer P } ? Parsed<P> : Record<never, never>;
  body: Routes[N] extends { body: infer B } ? Parsed<B> : undefined;
  caller: CallerFor<Routes[N]['auth']>;
  req: Request;
  /** For the few handlers that need it: a status other than the route's, or noticing the client leave. */
  res: Response;
}

/** A handler's answer when the client went away meanwhile (a long poll): nothing is sent. */
export const GONE = Symbol('gone');

export type Handler<N extends RouteName> = (
  input: HandlerInput<N>,
) => v.InferOutput<Routes[N]['response']> | typeof GONE | Promise<v.InferOutput<Routes[N]['response']> | typeof GONE>;
export type Handlers<N extends RouteName = RouteName> = { [K in N]: Handler<K> };

export function registerRoutes(router: Router, ctx: BrokerContext, handlers: Handlers): void {
  const auth: Record<AuthKind, RequestHandler[]> = { none: [], rep: [requireRep(ctx)], caller: [requireCaller(ctx)] };
  for (const name of Object.keys(routes) as RouteName[]) {
    const def = routes[name];
    const handler = handlers[name] as unknown as (input: object) => unknown;
    const declared = new Set<string>(errorsOf(def));
    const method = ({ GET: 'get', POST: 'post', PUT: 'put' } as const)[def.method];
    // The table's paths are absolute; this router is mounted at /api.
    router[method](def.path.replace(/^\/api/, ''), ...auth[def.auth], async (req, res) => {
      try {
        const params = 'params' in def ? parse(def.params, req.params) : {};
        const body = 'body' in def ? parse(def.body, req.body) : undefined;
        res.status(def.status);
        const result = await handler({ params, body, caller: res.locals.caller as unknown, req, res });
        if (result !== GONE) res.json(result);
      } catch (error) {
        // The table says what each route may answer; keep it true (a test run shows these lines).
        if (error instanceof ApiError && !declared.has(error.code)) ctx.log.warn(`${name} answered undeclared ${error.code}`);
        throw error;
      }
    });
  }
}
