import { Revocations, type Revocation } from '../../../broker/auth/revocations';

/** A revocation channel to hand the broker, with what it heard and a way to wait for one announcement. */
export function listenForRevocations() {
  const revocations = new Revocations();
  const heard: Revocation[] = [];
  revocations.subscribe((r) => heard.push(r));
  /** Resolves once a matching revocation was announced (already, or later: the sweep runs on its own). */
  const announced = (match: (r: Revocation) => boolean): Promise<Revocation> => {
    const seen = heard.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const stop = revocations.subscribe((r) => {
        if (!match(r)) return;
        stop();
        resolve(r);
      });
    });
  };
  return { revocations, heard, announced };
}
