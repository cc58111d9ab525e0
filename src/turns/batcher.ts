// Coalesces streamed text so the host posts one message per 40 ms however fast chunks come (the view
// puts text on screen at most every 45 ms).
// Pure (timers only): the per-chunk cost is an array push, never a string copy of the answer.

export interface DeltaBatch {
  text?: string;
  reasoning?: string;
}

export class DeltaBatcher {
  private text: string[] = [];
  private reasoning: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly flushTo: (batch: DeltaBatch) => void,
    private readonly intervalMs = 40,
  ) {}

  addText(t: string): void {
    if (!t) return;
    this.text.push(t);
    this.schedule();
  }

  addReasoning(t: string): void {
    if (!t) return;
    this.reasoning.push(t);
    this.schedule();
  }

  /** Sends whatever is pending now (before turnEnd, turnError or a stop). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.text = [];
    this.reasoning = [];
  }

  private schedule(): void {
    if (!this.timer) this.timer = setTimeout(() => { this.timer = undefined; this.flush(); }, this.intervalMs);
  }
}
