/**
 * An idle timeout that costs one integer increment per network chunk instead of re-arming a timer
 * (or reading a clock) each time: a timer looks every quarter of the timeout and fires once four
 * looks in a row saw no chunk, i.e. after between 1 and 1.25 timeouts of silence.
 *
 * With `events`, the same looks also read an event counter the decoder keeps anyway: bytes that
 * never become an event (keep-alive comments forever) end the stream after `events.limitMs`.
 */
export class IdleWatch {
  private ticks = 0;
  private seen = 0;
  private quietLooks = 0;
  private eventsSeen = -1;
  private eventlessMs = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number, onIdle: () => void, events?: { count: () => number; limitMs: number; onNone: () => void }) {
    const period = Math.max(1, Math.min(ms, events?.limitMs ?? ms) / 4);
    // Four looks per timeout, whatever the period: fires after between 1 and 1.25 timeouts of silence.
    const looks = Math.ceil(ms / period);
    this.timer = setInterval(() => {
      if (this.ticks !== this.seen) {
        this.seen = this.ticks;
        this.quietLooks = 0;
      } else if (++this.quietLooks >= looks) {
        this.stop();
        onIdle();
        return;
      }
      if (!events) return;
      const n = events.count();
      if (n !== this.eventsSeen) {
        this.eventsSeen = n;
        this.eventlessMs = 0;
      } else if ((this.eventlessMs += period) >= events.limitMs) {
        this.stop();
        events.onNone();
      }
    }, period);
  }

  touch(): void {
    this.ticks++;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
