// The pieces the runner trusts with model output: arguments, Qwen's XML calls, ids, loop counting,
// result cutting and the history's compaction.
import * as assert from 'node:assert/strict';
import { parseCallArgs, singleToDoubleQuotes } from '../../../src/agent/callArgs';
import { CallIds } from '../../../src/agent/callIds';
import { LoopGuard } from '../../../src/agent/loopGuard';
import { cutResult } from '../../../src/agent/results';
import { TaskMessages } from '../../../src/agent/taskMessages';
import { findCallMarkup, parseXmlCalls } from '../../../src/agent/xmlCalls';
import { displayPath, resolveToolPath } from '../../../src/agent/paths';
import * as path from 'node:path';

describe('agent call arguments', () => {
  it('reads JSON, single-quoted JSON, doubly encoded JSON and numbers as strings', () => {
    assert.deepEqual(parseCallArgs('read_file', '{"file_path":"a.ts","offset":"10","limit":5}'), { args: { file_path: 'a.ts', offset: 10, limit: 5 } });
    assert.deepEqual(parseCallArgs('read_file', "{'file_path': 'say \"hi\" it\\'s.ts'}"), { args: { file_path: 'say "hi" it\'s.ts' } });
    assert.deepEqual(parseCallArgs('glob', JSON.stringify(JSON.stringify({ pattern: '**/*.ts' }))), { args: { pattern: '**/*.ts' } });
    assert.deepEqual(parseCallArgs('edit', '{"file_path":"a","old_string":"x","new_string":"y","replace_all":"true"}'), { args: { file_path: 'a', old_string: 'x', new_string: 'y', replace_all: true } });
  });
  it('refuses what it would have to guess, saying what is wrong', () => {
    assert.match((parseCallArgs('read_file', '{"file_path": ') as { error: string }).error, /not valid JSON.*"file_path"/);
    assert.match((parseCallArgs('read_file', '[1,2]') as { error: string }).error, /not valid JSON/);
    assert.match((parseCallArgs('read_file', '{"file_path": {"a":1}}') as { error: string }).error, /"file_path" must be a string/);
    assert.match((parseCallArgs('run_shell_command', '{}') as { error: string }).error, /missing "command"/);
    assert.match((parseCallArgs('read_file', '{"file_path":"a","limit":"many"}') as { error: string }).error, /"limit" must be a number/);
  });
  it('converts single quotes without touching double-quoted strings', () => {
    assert.equal(singleToDoubleQuotes(`{'a': "it's", 'b': 'x"y'}`), `{"a": "it's", "b": "x\\"y"}`);
  });
});

describe("Qwen's XML tool calls", () => {
  const xml = 'Let me read.\n<tool_call>\n<function=read_file>\n<parameter=file_path>\n/w/a b.ts\n</parameter>\n<parameter=limit>\n20\n</parameter>\n</function>\n</tool_call>\n<tool_call>\n<function=grep_search>\n<parameter=pattern>\nfoo(\\d+)\n</parameter>\n</function>\n</tool_call>';
  it('reads every call with its parameters, JSON values typed', () => {
    assert.deepEqual(parseXmlCalls(xml), [
      { name: 'read_file', arguments: JSON.stringify({ file_path: '/w/a b.ts', limit: 20 }) },
      { name: 'grep_search', arguments: JSON.stringify({ pattern: 'foo(\\d+)' }) },
    ]);
    assert.deepEqual(parseXmlCalls('no calls here'), []);
  });
  it('finds where markup starts, and a partial tag at the end as maybe', () => {
    assert.deepEqual(findCallMarkup(xml), { at: 13, sure: true });
    assert.deepEqual(findCallMarkup('text <tool_c'), { at: 5, sure: false });
    assert.equal(findCallMarkup('a < b'), undefined);
  });
});

describe('agent ids, loops, results, history', () => {
  it('ids are unique across the conversation: empty or reused ids are replaced', () => {
    const ids = new CallIds(['call_0']);
    assert.equal(ids.claim('call_abc', 'task1234xyz', 1, 0), 'call_abc');
    assert.equal(ids.claim('call_abc', 'task1234xyz', 1, 1), 'call_task1234_1_1');
    assert.equal(ids.claim('', 'task1234xyz', 1, 2), 'call_task1234_1_2');
    assert.equal(ids.claim('call_0', 'task1234xyz', 2, 0), 'call_task1234_2_0');
  });
  it('three identical calls in a row are a loop; key order and spacing do not matter; another call resets', () => {
    const g = new LoopGuard();
    assert.equal(g.repeated('read_file', '{"a":1,"b":2}'), false);
    assert.equal(g.repeated('read_file', '{ "b": 2, "a": 1 }'), false);
    assert.equal(g.repeated('read_file', '{"a":1,"b":2}'), true);
    const h = new LoopGuard();
    h.repeated('x', '{}');
    h.repeated('x', '{}');
    h.repeated('y', '{}');
    assert.equal(h.repeated('x', '{}'), false);
  });
  it('cuts long results at a line end with a note saying how to read more', () => {
    const long = 'abcdefghij\n'.repeat(5000);
    const r = cutResult(long, 'read_file', 1000);
    assert.equal(r.cut, true);
    assert.ok(r.text.startsWith('abcdefghij\n'));
    assert.match(r.text, /\n\[The result was cut here: \d+ more characters were not shown\. Use offset and limit to read the rest\.\]$/);
    assert.deepEqual(cutResult('short', 'glob'), { text: 'short', cut: false });
  });
  it('shortens the oldest tool results first, never the last step, until the history fits', () => {
    const m = new TaskMessages([{ role: 'system', content: 'sys' }, { role: 'user', content: 'task' }]);
    for (let i = 0; i < 4; i++) {
      m.addAssistant('', [{ id: `c${i}`, type: 'function', function: { name: 'read_file', arguments: '{}' } }]);
      m.addToolResult(`c${i}`, `result ${i} `.repeat(2000));
    }
    const before = m.tokens;
    const n = m.compact(before - 5000);
    assert.equal(n, 1);
    assert.match(m.list[3]!.content as string, /^result 0 .*older result was shortened/s);
    assert.ok(m.tokens < before - 5000);
    assert.equal(m.compact(0), 2, 'the last step is kept whatever the budget');
    assert.equal((m.list.at(-1)!.content as string).length, 'result 3 '.repeat(2000).length);
  });
});

describe('agent paths', () => {
  const folders = ['/w/app', '/w/lib'];
  it('reads relative paths from the first folder and absolute paths in any folder; refuses the rest', () => {
    assert.deepEqual(resolveToolPath('src/a.ts', folders, path.posix), { abs: '/w/app/src/a.ts', folder: '/w/app' });
    assert.deepEqual(resolveToolPath('/w/lib/x.ts', folders, path.posix), { abs: '/w/lib/x.ts', folder: '/w/lib' });
    assert.deepEqual(resolveToolPath('file:///w/app/b%20c.ts', folders, path.posix), { abs: '/w/app/b c.ts', folder: '/w/app' });
    assert.match((resolveToolPath('../secrets', folders, path.posix) as { error: string }).error, /outside the workspace/);
    assert.match((resolveToolPath('/w/app/../other/x', folders, path.posix) as { error: string }).error, /outside/);
    assert.match((resolveToolPath('', folders, path.posix) as { error: string }).error, /empty/);
    assert.deepEqual(resolveToolPath('C:\\w\\app\\a.ts', ['C:\\w\\app'], path.win32), { abs: 'C:\\w\\app\\a.ts', folder: 'C:\\w\\app' });
  });
  it('names files relative to the first folder, absolute elsewhere', () => {
    assert.equal(displayPath('/w/app/src/a.ts', folders, path.posix), 'src/a.ts');
    assert.equal(displayPath('/w/lib/x.ts', folders, path.posix), '/w/lib/x.ts');
    assert.equal(displayPath('/w/app', folders, path.posix), '.');
  });
});
