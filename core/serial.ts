/**
 * Runs async tasks one at a time, in order. State machines whose transitions await the network use it so
 * that two transitions (say, a reload triggered by storage and a click on Start) can never interleave.
 */
export function createSerialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return function run<T>(task: () => Promise<T>): Promise<T> {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };
}
