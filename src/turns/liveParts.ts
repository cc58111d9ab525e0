// The parts of a turn while it streams. The text of a part still growing is kept as the batches
// the view was sent, not joined per batch: a few hundred strings rather than one ever longer copy,
// and exactly what the view has shown, so a view reopened mid-stream (a state, then the next
// deltas) never repeats text.
import type { ToolCallPart, TurnPart } from '../protocol/messages';
import { openPartIndex, textLength, type StreamedKind } from '../protocol/parts';

export class LiveParts {
  private readonly parts: TurnPart[];
  /** the growing parts' batches, by index in `parts` */
  private readonly open = new Map<number, string[]>();
  private readonly lengths: Record<StreamedKind, number>;

  /** `from`: the parts a continued answer already has (copied, never changed) */
  constructor(from: readonly TurnPart[] = []) {
    this.parts = from.map((p) => ({ ...p }));
    this.lengths = { text: textLength(from, 'text'), reasoning: textLength(from, 'reasoning') };
  }

  /** Characters of this kind so far, continued answer included. */
  length(kind: StreamedKind): number {
    return this.lengths[kind];
  }

  append(kind: StreamedKind, text: string): void {
    if (!text) return;
    this.lengths[kind] += text.length;
    let i = openPartIndex(this.parts, kind);
    if (i < 0) {
      i = this.parts.push({ kind, text: '' }) - 1;
      this.open.set(i, []);
    }
    let batches = this.open.get(i);
    if (!batches) {
      batches = [(this.parts[i] as { text: string }).text];
      this.open.set(i, batches);
    }
    batches.push(text);
  }

  /** A tool call ends the step: the next text or reasoning starts a part after it. */
  addTool(part: ToolCallPart): void {
    this.parts.push({ ...part });
  }

  /** Changes a tool call's row (its status, result, facts); the updated part, or undefined. */
  updateTool(id: string, patch: Partial<Omit<ToolCallPart, 'kind' | 'id'>>): ToolCallPart | undefined {
    for (let i = this.parts.length - 1; i >= 0; i--) {
      const p = this.parts[i]!;
      if (p.kind === 'toolCall' && p.id === id) return (this.parts[i] = { ...p, ...patch });
    }
    return undefined;
  }

  /** The parts as they are now: for a view that (re)opens mid-stream, and to store at the end. */
  snapshot(): TurnPart[] {
    return this.parts.map((p, i) => {
      const batches = this.open.get(i);
      return batches ? { ...p, text: batches.join('') } as TurnPart : p;
    });
  }
}
