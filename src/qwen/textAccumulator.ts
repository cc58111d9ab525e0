/**
 * Streamed text kept as a few long strings. `s += piece` per chunk keeps every piece plus a rope
 * node alive for the whole stream: on a 100,000-chunk answer that is 200,000 small objects
 * surviving into the old generation, which every young-generation collection copies and every
 * full one marks. Here pieces are joined 256 at a time, so what survives is a few hundred strings.
 */
export class TextAccumulator {
  private blocks: string[] = [];
  private pending: string[] = [];

  push(piece: string): void {
    this.pending.push(piece);
    if (this.pending.length >= 256) {
      this.blocks.push(this.pending.join(''));
      this.pending = [];
    }
  }

  /** The whole text (flattened once, so calling it again is cheap). */
  toString(): string {
    if (this.pending.length) {
      this.blocks.push(this.pending.join(''));
      this.pending = [];
    }
    if (this.blocks.length > 1) this.blocks = [this.blocks.join('')];
    return this.blocks[0] ?? '';
  }
}
