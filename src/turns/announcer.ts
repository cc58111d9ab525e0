// When the view hears of a turn (chat or agent task): with its first words, before any other
// message about it, or after SHOW_TURN_AFTER_MS when its request is slow to leave (a locked
// keyring, a model list to fetch first). Telling the view does not shape the request, and a
// message of its own, with the frame that draws it, would be in the way of the first answer text.
// Always before the turn's end changes it, so the view is told of a turn that is running. Pure.
import type { Clock } from './batcher';

/** Longest a turn waits to be shown for its first words: under what a user notices. */
export const SHOW_TURN_AFTER_MS = 50;

export class TurnAnnouncer {
  private announced = false;
  private timer: unknown;

  /** `announce` posts the turnStart; it is called once at most. */
  constructor(
    private readonly clock: Clock,
    private readonly announce: () => void,
  ) {}

  get shown(): boolean {
    return this.announced;
  }

  /** The turn's run begins: shown after SHOW_TURN_AFTER_MS at the latest. */
  start(): void {
    this.timer = this.clock.setTimeout(() => this.show(), SHOW_TURN_AFTER_MS);
  }

  /** Tells the view of the turn now, if it was not yet. */
  show(): void {
    if (this.announced) return;
    this.announced = true;
    this.clock.clearTimeout(this.timer);
    this.announce();
  }

  /** The run is over, however it ended: a turn that threw is not announced after its end. */
  stop(): void {
    this.clock.clearTimeout(this.timer);
  }
}
