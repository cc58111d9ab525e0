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

  /**
   * The whole text. Blocks are concatenated, not joined: V8 makes that a rope over the blocks,
   * without copying them, so a 50 MB answer is not briefly held twice (blocks plus a flat copy).
   */
  toString(): string {
    if (this.pending.length) {
      this.blocks.push(this.pending.join(''));
      this.pending = [];
    }
    if (this.blocks.length > 1) {
      let text = '';
      for (const b of this.blocks) text += b;
      this.blocks = [text];
    }
    return this.blocks[0] ?? '';
  }
}
