// Coalesces streamed text so the host posts one message per 40 ms however fast chunks come (the view
// puts text on screen at most every 45 ms). The first text and the first reasoning of a turn are
// posted at once: what the user waits for is the first words, and batching only pays from the second.
// Pure (timers only): the per-chunk cost is an array push, never a string copy of the answer.

export interface DeltaBatch {
  text?: string;
  reasoning?: string;
}

/** Timers, passed in so a test can run the batcher on its own clock. */
export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class DeltaBatcher {
  private text: string[] = [];
  private reasoning: string[] = [];
  private timer: unknown;
  /** whether a text / reasoning delta was posted yet: the first of each goes at once */
  private textPosted = false;
  private reasoningPosted = false;

  constructor(
    private readonly flushTo: (batch: DeltaBatch) => void,
    private readonly intervalMs = 40,
    private readonly clock: Clock = realClock,
  ) {}

  addText(t: string): void {
    if (!t) return;
    this.text.push(t);
    if (this.textPosted) return this.schedule();
    this.textPosted = true;
    this.flush();
  }

  addReasoning(t: string): void {
    if (!t) return;
    this.reasoning.push(t);
    if (this.reasoningPosted) return this.schedule();
    this.reasoningPosted = true;
    this.flush();
  }

  /** Sends whatever is pending now (before turnEnd, turnError or a stop). */
  flush(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.text.length && !this.reasoning.length) return;
    const batch: DeltaBatch = {};
    if (this.text.length) batch.text = this.text.join('');
    if (this.reasoning.length) batch.reasoning = this.reasoning.join('');
    this.text = [];
    this.reasoning = [];
    this.flushTo(batch);
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.text = [];
    this.reasoning = [];
  }

  private schedule(): void {
    if (this.timer === undefined) this.timer = this.clock.setTimeout(() => { this.timer = undefined; this.flush(); }, this.intervalMs);
  }
}
