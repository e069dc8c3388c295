/** WebACD's timing, and the nudge that makes the dispatcher look at transfers and agents again. */
export interface AcdSettings {
  offerMs: number;
  queueWaitLimitMs: number;
  /**
   * Something that may change who gets offers happened (a transfer started or was decided, an agent
   * changed state). Cheap to call often: the dispatcher coalesces calls into one pass.
   */
  changed(): void;
}
