import * as assert from 'node:assert/strict';
import { planRevert, planUndo } from '../../../src/agent/undoPlan';

const before = 'import a\n\nfunction one() {\n  return 1;\n}\n\nfunction two() {\n  return 2;\n}\n';
// the task changed one() and appended three()
const after = 'import a\n\nfunction one() {\n  return 100;\n}\n\nfunction two() {\n  return 2;\n}\n\nfunction three() {}\n';

describe('agent/undoPlan: taking a task\'s changes out of a file', () => {
  it('a file the user has not touched since gets its text before the task back', () => {
    assert.deepEqual(planRevert(after, before, after), { keepMine: before, undoAll: before, overlaps: 0 });
  });

  it('keeps what the user typed elsewhere since, and takes out only the task\'s changes', () => {
    const current = after.replace('import a\n', 'import a\nimport b // mine\n').replace('  return 2;', '  return 2; // mine too');
    const plan = planRevert(after, before, current);
    assert.equal(plan.overlaps, 0);
    assert.equal(plan.keepMine, before.replace('import a\n', 'import a\nimport b // mine\n').replace('  return 2;', '  return 2; // mine too'));
    assert.equal(plan.undoAll, plan.keepMine);
  });

  it('typing at the end of the line just above a task hunk does not count as an overlap', () => {
    const current = after.replace('function one() {', 'function one() { // typed');
    const plan = planRevert(after, before, current);
    assert.equal(plan.overlaps, 0);
    assert.equal(plan.keepMine, before.replace('function one() {', 'function one() { // typed'));
  });

  it('finds where the user edited a line the task changed, and offers both ways', () => {
    const current = after.replace('  return 100;', '  return 100 + 1; // mine').replace('import a\n', 'import a // kept\n');
    const plan = planRevert(after, before, current);
    assert.equal(plan.overlaps, 1);
    // keep my edits: the task's change stays where I built on it; its other change goes; my other edit stays
    assert.equal(plan.keepMine, 'import a // kept\n\nfunction one() {\n  return 100 + 1; // mine\n}\n\nfunction two() {\n  return 2;\n}\n');
    // undo there too: the original line comes back over my edit; my edit elsewhere stays
    assert.equal(plan.undoAll, before.replace('import a\n', 'import a // kept\n'));
  });

  it('works on CRLF text without splitting a line break', () => {
    const crlf = (s: string) => s.replace(/\n/g, '\r\n');
    const current = crlf(after).replace('import a\r\n', 'import a\r\nimport c\r\n');
    const plan = planRevert(crlf(after), crlf(before), current);
    assert.equal(plan.overlaps, 0);
    assert.equal(plan.keepMine, crlf(before).replace('import a\r\n', 'import a\r\nimport c\r\n'));
  });
});

describe('agent/undoPlan: what undo does to each file', () => {
  it('plans a clean revert, a merge, a delete and the skips', () => {
    const actions = planUndo([
      { path: '/w/clean.ts', before, after, current: after },
      { path: '/w/typed.ts', before, after, current: after + '// typed\n' },
      { path: '/w/new.ts', before: null, after: 'x\n', current: 'x\n' },
      { path: '/w/new-edited.ts', before: null, after: 'x\n', current: 'x\ny\n' },
      { path: '/w/new-gone.ts', before: null, after: 'x\n', current: null },
      { path: '/w/deleted.ts', before, after, current: null },
      { path: '/w/reverted.ts', before, after, current: before },
      { path: '/w/big.bin', before: null, after: null, current: 'x', tooLarge: true },
    ]);
    assert.deepEqual(actions, [
      { kind: 'write', path: '/w/clean.ts', text: before, undoAll: before, overlaps: 0, userEdited: false },
      { kind: 'write', path: '/w/typed.ts', text: before + '// typed\n', undoAll: before + '// typed\n', overlaps: 0, userEdited: true },
      { kind: 'delete', path: '/w/new.ts', userEdited: false },
      { kind: 'delete', path: '/w/new-edited.ts', userEdited: true },
      { kind: 'skip', path: '/w/new-gone.ts', why: 'gone' },
      { kind: 'skip', path: '/w/deleted.ts', why: 'deleted-since' },
      { kind: 'skip', path: '/w/reverted.ts', why: 'unchanged' },
      { kind: 'skip', path: '/w/big.bin', why: 'too-large' },
    ]);
  });

  it('reports the overlaps of a file the user edited where the task did', () => {
    const [a] = planUndo([{ path: '/w/x.ts', before, after, current: after.replace('return 100', 'return 101') }]);
    assert.equal(a?.kind, 'write');
    if (a?.kind === 'write') {
      assert.equal(a.overlaps, 1);
      assert.equal(a.undoAll, before);
      assert.equal(a.text, after.replace('return 100', 'return 101').replace('\nfunction three() {}\n', ''));
    }
  });
});

describe('agent/undoPlan: random tasks and user edits on separate lines', () => {
  it('always gives the original with exactly the user\'s edits, and no overlap', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    for (let round = 0; round < 300; round++) {
      const lines = Array.from({ length: 20 + rand(20) }, (_, i) => `line ${i} ${'x'.repeat(rand(3))}`);
      const task = new Set<number>();
      const user = new Set<number>();
      for (let i = 0; i < lines.length; i++) {
        const r = rand(6);
        // never next to a line of the other side: those count as touching
        if (r === 0 && !user.has(i - 1)) task.add(i);
        else if (r === 1 && !task.has(i - 1)) user.add(i);
      }
      const render = (edit: (i: number, l: string) => string[]) => lines.flatMap((l, i) => edit(i, l)).map((l) => l + '\n').join('');
      const before = render((_, l) => [l]);
      // the task rewrites, deletes or splits its lines; the user appends to theirs or adds a line after
      const taskEdit = (l: string) => (rand(3) === 0 ? [] : rand(2) ? [`${l} (task)`] : [`${l} (task a)`, `${l} (task b)`]);
      const userEdit = (i: number, l: string) => (i % 2 ? [`${l} (user)`] : [l, `after ${i} (user)`]);
      const taskOf = new Map([...task].map((i) => [i, taskEdit(lines[i]!)]));
      const userOf = new Map([...user].map((i) => [i, userEdit(i, lines[i]!)]));
      const after = render((i, l) => taskOf.get(i) ?? [l]);
      const current = render((i, l) => taskOf.get(i) ?? userOf.get(i) ?? [l]);
      const expected = render((i, l) => userOf.get(i) ?? [l]);
      const plan = planRevert(after, before, current);
      assert.equal(plan.keepMine, expected, `round ${round}`);
      assert.equal(plan.overlaps, 0, `round ${round}`);
    }
  });
});
