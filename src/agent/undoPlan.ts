// What Undo Agent Task does to each file, decided before anything is written. A task's change to
// a file is known as two texts: `before` (the file without the task's changes) and `after` (what
// the task left). When the file still reads `after`, undo writes `before`. When the user has
// edited it since, undo takes out only the task's changes: a three-way merge with `after` as the
// base, the task's hunks (after → before) on one side and the user's edits (after → current) on
// the other. Where the two overlap (the rule of src/edits/rebase.ts: a user edit that touches a
// hunk, boundaries included), the user is asked which wins.
import { diffLines } from '../edits/diff';
import { touches } from '../edits/rebase';

/** A replacement of [start, end) of the base text by `text`. */
interface Change {
  start: number;
  end: number;
  text: string;
}

export interface RevertPlan {
  /** the task's changes taken out; where they overlap the user's edits, the user's text stays */
  keepMine: string;
  /** the task's changes taken out everywhere, also over the user's edits where they overlap */
  undoAll: string;
  /** the places where the task's changes and the user's edits overlap */
  overlaps: number;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * The smallest replacement inside a line hunk (common start and end trimmed, never splitting a
 * CRLF or a surrogate pair), so that typing at the end of the line above a task's hunk is not
 * taken for an edit of the hunk.
 */
function narrow(base: string, start: number, end: number, text: string): Change {
  const from = base.slice(start, end);
  const max = Math.min(from.length, text.length);
  let p = 0;
  while (p < max && from.charCodeAt(p) === text.charCodeAt(p)) p++;
  while (p > 0 && (isLowSurrogate(from.charCodeAt(p)) || (from.charCodeAt(p) === 10 && from.charCodeAt(p - 1) === 13))) p--;
  let s = 0;
  while (s < max - p && from.charCodeAt(from.length - 1 - s) === text.charCodeAt(text.length - 1 - s)) s++;
  while (s > 0 && (isLowSurrogate(from.charCodeAt(from.length - s)) || (from.charCodeAt(from.length - s) === 10 && from.charCodeAt(from.length - s - 1) === 13))) s--;
  return { start: start + p, end: end - s, text: text.slice(p, text.length - s) };
}

function applyWithin(base: string, start: number, end: number, changes: readonly Change[]): string {
  let out = '';
  let pos = start;
  for (const c of changes) {
    out += base.slice(pos, c.start) + c.text;
    pos = c.end;
  }
  return out + base.slice(pos, end);
}

interface Item extends Change {
  side: 'task' | 'user';
  group: number;
}

/** Takes the task's changes (after → before) out of `current`, the user's edits since (after → current) kept. */
export function planRevert(after: string, before: string, current: string): RevertPlan {
  if (current === after) return { keepMine: before, undoAll: before, overlaps: 0 };
  if (before === after || current === before) return { keepMine: current, undoAll: current, overlaps: 0 };
  const task: Item[] = diffLines(after, before).map((h) => ({ start: h.start, end: h.end, text: h.newText, side: 'task', group: -1 }));
  const user: Item[] = diffLines(after, current).map((h) => ({ ...narrow(after, h.start, h.end, h.newText), side: 'user', group: -1 }));

  // Each task hunk with the user edits that touch it, and everything else whose span overlaps them.
  const items = [...task, ...user].sort((a, b) => a.start - b.start || (a.side === b.side ? 0 : a.side === 'task' ? -1 : 1));
  const parent = items.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const union = (a: number, b: number) => {
    parent[find(a)] = find(b);
  };
  for (let i = 0; i < items.length; i++) {
    const t = items[i]!;
    if (t.side !== 'task') continue;
    for (let j = 0; j < items.length; j++) {
      const u = items[j]!;
      if (u.side === 'user' && touches(t, { rangeOffset: u.start, rangeLength: u.end - u.start, text: u.text })) union(i, j);
    }
  }
  type Group = { start: number; end: number; members: Item[] };
  const byRoot = new Map<number, Group>();
  items.forEach((it, i) => {
    const r = find(i);
    const g = byRoot.get(r) ?? { start: it.start, end: it.end, members: [] };
    g.start = Math.min(g.start, it.start);
    g.end = Math.max(g.end, it.end);
    g.members.push(it);
    byRoot.set(r, g);
  });
  // Groups in order, merged where their spans still overlap, so each stretch of text is decided once.
  const groups: Group[] = [];
  for (const g of [...byRoot.values()].sort((a, b) => a.start - b.start)) {
    const last = groups[groups.length - 1];
    if (last && g.start < last.end) {
      last.end = Math.max(last.end, g.end);
      last.members.push(...g.members);
    } else groups.push({ ...g, members: [...g.members] });
  }

  let keepMine = '';
  let undoAll = '';
  let overlaps = 0;
  let pos = 0;
  for (const g of groups) {
    const common = after.slice(pos, g.start);
    const mine = g.members.filter((m) => m.side === 'user').sort((a, b) => a.start - b.start);
    const theirs = g.members.filter((m) => m.side === 'task').sort((a, b) => a.start - b.start);
    const userText = applyWithin(after, g.start, g.end, mine);
    const taskText = applyWithin(after, g.start, g.end, theirs);
    if (mine.length && theirs.length) overlaps++;
    keepMine += common + (mine.length ? userText : taskText);
    undoAll += common + (theirs.length ? taskText : userText);
    pos = g.end;
  }
  keepMine += after.slice(pos);
  undoAll += after.slice(pos);
  return { keepMine, undoAll, overlaps };
}

/** One file of the task as the checkpoint holds it, and what it reads now (null: it does not exist). */
export interface UndoInput {
  path: string;
  before: string | null;
  after: string | null;
  current: string | null;
  /** too large to keep: nothing can be restored */
  tooLarge?: boolean;
}

export type UndoAction =
  /** write `text` (with `overlaps`, `undoAll` is the text that also overwrites the user's edits there) */
  | { kind: 'write'; path: string; text: string; undoAll: string; overlaps: number; userEdited: boolean }
  /** the task created it: delete it (`userEdited`: the user changed it since, ask first) */
  | { kind: 'delete'; path: string; userEdited: boolean }
  /** nothing to do, and why */
  | { kind: 'skip'; path: string; why: 'unchanged' | 'gone' | 'deleted-since' | 'too-large' };

/** What undo does to each file of the task, before anything is written. */
export function planUndo(files: readonly UndoInput[]): UndoAction[] {
  return files.map((f): UndoAction => {
    const { path, before, after, current } = f;
    if (f.tooLarge) return { kind: 'skip', path, why: 'too-large' };
    if (before === null) {
      // The task created it.
      if (current === null) return { kind: 'skip', path, why: 'gone' };
      return { kind: 'delete', path, userEdited: current !== after };
    }
    if (current === null) return { kind: 'skip', path, why: 'deleted-since' };
    if (current === before) return { kind: 'skip', path, why: 'unchanged' };
    if (after === null || current === after) return { kind: 'write', path, text: before, undoAll: before, overlaps: 0, userEdited: false };
    const plan = planRevert(after, before, current);
    if (plan.keepMine === current && plan.overlaps === 0) return { kind: 'skip', path, why: 'unchanged' };
    return { kind: 'write', path, text: plan.keepMine, undoAll: plan.undoAll, overlaps: plan.overlaps, userEdited: true };
  });
}
