/**
 * Credentials that stopped being valid while connections made with them are still open: a sign-out,
 * an expired or revoked rep token, a disabled rep. Whoever revokes says so here; the events socket and
 * the PeerServer listen and close what was opened with that credential.
 */
export type Revocation =
  /** One rep token (sign-out, expiry). */
  | { kind: 'rep-token'; tokenHash: string; repId: string }
  /** Every token of a rep (revoke-tokens, disable-rep). */
  | { kind: 'rep'; repId: string };

export type RevocationListener = (revocation: Revocation) => void;

export class Revocations {
  private readonly listeners = new Set<RevocationListener>();

  /** Returns an unsubscribe. */
  subscribe(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  revoked(revocation: Revocation): void {
    for (const listener of [...this.listeners]) listener(revocation);
  }
}
