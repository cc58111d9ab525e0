import * as assert from 'node:assert/strict';
import { Checkpoints, type CheckpointFiles } from '../../../src/agent/checkpoints';

function memoryFiles(): CheckpointFiles & { data: Map<string, string>; writes: number } {
  const data = new Map<string, string>();
  const files = {
    data,
    writes: 0,
    read: async (id: string) => data.get(id),
    write: async (id: string, text: string) => {
      files.writes++;
      data.set(id, text);
    },
  };
  return files;
}

describe('agent/checkpoints: what each task changed', () => {
  it('keeps the text before the first change and after the last, per file, and survives a new store (reload)', async () => {
    const files = memoryFiles();
    const cp = new Checkpoints(files);
    await cp.record('c1', 't1', '/w/a.ts', 'v0\n', 'v1\n');
    await cp.record('c1', 't1', '/w/a.ts', 'v1\n', 'v2\n');
    await cp.record('c1', 't1', '/w/new.ts', null, 'n\n');
    const reloaded = new Checkpoints(files);
    const last = await reloaded.lastTask('c1');
    assert.equal(last?.taskId, 't1');
    assert.deepEqual(last?.files, [
      { path: '/w/a.ts', before: 'v0\n', after: 'v2\n' },
      { path: '/w/new.ts', before: null, after: 'n\n' },
    ]);
    assert.equal(await reloaded.lastTask('other'), undefined);
  });

  it('carries what the user typed between two of the task\'s changes into `before`', async () => {
    const cp = new Checkpoints(memoryFiles());
    await cp.record('c', 't', '/w/a.ts', 'one\ntwo\nthree\n', 'ONE\ntwo\nthree\n');
    // the user typed on line 3, then the task changed line 2
    await cp.record('c', 't', '/w/a.ts', 'ONE\ntwo\nthree!\n', 'ONE\nTWO\nthree!\n');
    const [f] = (await cp.lastTask('c'))!.files;
    assert.deepEqual(f, { path: '/w/a.ts', before: 'one\ntwo\nthree!\n', after: 'ONE\nTWO\nthree!\n' });
  });

  it('the last task is the newest; dropping it makes the one before the last', async () => {
    const cp = new Checkpoints(memoryFiles(), { maxTasks: 2 });
    await cp.record('c', 't1', '/w/a', 'a', 'b');
    await cp.record('c', 't2', '/w/a', 'b', 'c');
    await cp.record('c', 't3', '/w/a', 'c', 'd');
    assert.equal((await cp.lastTask('c'))?.taskId, 't3');
    await cp.drop('c', 't3');
    assert.equal((await cp.lastTask('c'))?.taskId, 't2');
    await cp.drop('c', 't2');
    assert.equal(await cp.lastTask('c'), undefined, 'only the 2 most recent were kept');
  });

  it('does not keep a file over the size limit, and says so', async () => {
    const logs: string[] = [];
    const cp = new Checkpoints(memoryFiles(), { maxFileBytes: 10, log: (m) => logs.push(m) });
    await cp.record('c', 't', '/w/big', 'x'.repeat(11), 'y');
    await cp.record('c', 't', '/w/big', 'y', 'z');
    await cp.record('c', 't', '/w/cjk', '你好', '你好吗'); // 9 bytes: kept
    assert.deepEqual((await cp.lastTask('c'))!.files, [
      { path: '/w/big', before: null, after: null, tooLarge: true },
      { path: '/w/cjk', before: '你好', after: '你好吗' },
    ]);
    assert.match(logs.join('\n'), /\/w\/big is larger than 10 bytes/);
  });

  it('reads a damaged file as no checkpoints, and writes one after the other', async () => {
    const files = memoryFiles();
    files.data.set('c', '{not json');
    const cp = new Checkpoints(files, { log: () => undefined });
    assert.equal(await cp.lastTask('c'), undefined);
    await Promise.all([cp.record('c', 't', '/w/1', 'a', 'b'), cp.record('c', 't', '/w/2', 'a', 'b'), cp.record('c', 't', '/w/3', 'a', 'b')]);
    assert.equal(JSON.parse(files.data.get('c')!).tasks[0].files.length, 3);
  });
});
