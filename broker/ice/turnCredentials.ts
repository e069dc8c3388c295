import { createHmac } from 'node:crypto';

/**
 * coturn's `use-auth-secret` (TURN REST API) credentials: the username is `expiry:participantId` with
 * expiry in unix seconds, the password base64(HMAC-SHA1(secret, username)). coturn recomputes the
 * password from the shared secret and refuses a username whose expiry has passed, so the broker keeps
 * no per-user state and a leaked credential dies on its own.
 */
export function turnCredential(secret: string, participantId: string, expiresAtSeconds: number) {
  const username = `${expiresAtSeconds}:${participantId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}
