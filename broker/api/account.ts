import { transact } from '../transact';
import type { LoginResponse } from '../../core/protocol';
import type { BrokerContext } from '../context';
import { decoyHash, verifyPassword } from '../auth/passwords';
import { BusyError } from '../auth/concurrencyLimit';
import { LOGIN_REFUSED } from '../auth/loginGuard';
import { issueRepToken } from '../auth/repTokens';
import { clientAddress } from '../http/clientAddress';
import { repView } from '../sessions/views';
import { rateLimited, unauthorized } from './errors';
import { agentSignedIn } from '../acd/agents';
import type { Handlers } from './routeTable';

export const LOGIN_INCORRECT = 'Email or password is incorrect';
export const ACCOUNT_DISABLED = 'This account is disabled. Ask your administrator to enable it.';

/** Sign in, sign out, who am I. */
export function accountHandlers(ctx: BrokerContext): Handlers<'login' | 'logout' | 'me'> {
  const { login: guard, passwordWork, refusalAudit } = ctx.limits;
  return {
    login: async ({ body: { email, password }, req }) => {
      const address = clientAddress(req);
      const refusal = await guard.check(address, email);
      if (refusal) {
        if (await refusalAudit.take(`login|${refusal.limit}|${refusal.key}`)) {
          await audit(ctx, `email:${email}`, 'login-refused', { limit: refusal.limit, address });
        }
        throw rateLimited(refusal.retryAfterSeconds, LOGIN_REFUSED[refusal.limit]);
      }

      const rep = await ctx.store.findRepByEmail(email);
      let ok: boolean;
      try {
        // Unknown emails are checked against a decoy, so timing does not reveal which accounts exist.
        ok = await passwordWork.run(async () => verifyPassword(password, rep?.passwordHash ?? (await decoyHash())));
      } catch (error) {
        if (!(error instanceof BusyError)) throw error;
        if (await refusalAudit.take('login|busy'))
          await audit(ctx, `email:${email}`, 'login-refused', { limit: 'busy', address });
        throw rateLimited(error.retryAfterSeconds, 'The server is busy with other sign-ins.');
      }
      if (!ok || !rep) {
        await guard.failed(address, email);
        await audit(ctx, `email:${email}`, 'login-failed', null);
        throw unauthorized(LOGIN_INCORRECT);
      }
      // Only now: saying "disabled" to a wrong password would tell strangers which accounts exist.
      if (rep.disabledAt !== null) {
        await audit(ctx, `rep:${rep.id}`, 'login-refused', { limit: 'disabled', address });
        throw unauthorized(ACCOUNT_DISABLED);
      }
      await guard.succeeded(address, email);
      const issued = await transact(ctx, async (t) => {
        const token = await issueRepToken(t, rep.id);
        await audit(t, `rep:${rep.id}`, 'login', null);
        await agentSignedIn(t, rep);
        return token;
      });
      const body: LoginResponse = { token: issued.token, rep: repView(rep), expiresAt: issued.expiresAt };
      return body;
    },

    logout: async ({ caller: { rep, tokenHash } }) => {
      await transact(ctx, async (t) => {
        await t.store.revokeRepToken(tokenHash, t.now());
        await audit(t, `rep:${rep.id}`, 'logout', null);
      });
      ctx.revocations.revoked({ kind: 'rep-token', tokenHash, repId: rep.id });
      return { ok: true };
    },

    me: ({ caller }) => ({ rep: repView(caller.rep) }),
  };
}

async function audit(ctx: BrokerContext, actor: string, action: string, detail: Record<string, unknown> | null): Promise<void> {
  await ctx.store.audit({ at: ctx.now(), actor, action, sessionId: null, detail });
}
