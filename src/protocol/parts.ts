// The rules of a turn's parts that the host and the view must apply alike, so the parts the view
// builds from deltas are the parts the host stores. No vscode, no DOM.
import type { TurnPart } from './messages';

export type StreamedKind = 'text' | 'reasoning';

/**
 * Where a streamed delta of `kind` goes: the part of that kind in the current step (the parts
 * after the last tool call), or -1 when the step has none and a new part is to be added at the end.
 * So a continued answer extends its own text, and text after a tool call starts a new part.
 */
export function openPartIndex(parts: readonly TurnPart[], kind: StreamedKind): number {
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i]!;
    if (p.kind === 'toolCall') return -1;
    if (p.kind === kind) return i;
  }
  return -1;
}

/** All text of one kind, in order: the answer (text) or the reasoning. */
export function joinedText(parts: readonly TurnPart[], kind: StreamedKind): string {
  let out = '';
  for (const p of parts) if (p.kind === kind) out += p.text;
  return out;
}

/** The characters of one kind, without joining them. */
export function textLength(parts: readonly TurnPart[], kind: StreamedKind): number {
  let n = 0;
  for (const p of parts) if (p.kind === kind) n += p.text.length;
  return n;
}
