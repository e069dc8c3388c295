import { createBrokerClient } from '../broker/client';
import type { Auth, Settings } from './settings';

/**
 * Signing in and out, the same from the side panel and the options page: the result lives in extension
 * storage, and every other extension page follows it from there.
 */
export async function signIn(settings: Settings, brokerUrl: string, email: string, password: string): Promise<Auth> {
  const { token, rep } = await createBrokerClient({ baseUrl: brokerUrl }).login({ email, password });
  const auth = { brokerUrl, token, rep };
  await settings.setBrokerUrl(brokerUrl);
  await settings.setAuth(auth);
  return auth;
}

/** Revokes the token on the broker when it can be reached, and forgets it here in any case. */
export async function signOut(settings: Settings, auth: Auth | undefined): Promise<void> {
  if (auth) {
    await createBrokerClient({ baseUrl: auth.brokerUrl, getToken: () => auth.token })
      .logout()
      .catch(() => undefined);
  }
  await settings.clearAuth();
  await settings.setLiveSessions(0);
}
