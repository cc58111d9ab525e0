// grep_search's worker thread in plain Node (the bundle the build writes to out/grepWorker.js): it
// answers exactly what matching in-process answers, and a pattern that backtracks for minutes is
// stopped at its deadline while this thread runs on.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { matchLines } from '../../../src/agent/read/grep';
import { RegexWorker } from '../../../src/agent/read/regexWorker';

const WORKER = join(process.cwd(), 'out', 'grepWorker.js');

describe('agent grep_search: the regex worker', function () {
  this.timeout(20_000);

  it('answers what matching in this thread answers: counts, lines, line numbers, CRLF', async () => {
    const text = 'const user = parseUser(x);\r\nnothing\nparseUser(y)\n\n  parseUser(z)';
    const re = /parseUser\(\w\)/;
    const w = new RegexWorker(WORKER, re);
    try {
      const got = await w.match(text, 2, 5000, new AbortController().signal);
      assert.deepEqual(got, matchLines(text, re, 2));
      assert.ok(!('timedOut' in got) && 'count' in got);
      assert.equal(got.count, 3);
      assert.deepEqual(got.lines.map((l) => l.lineNo), [1, 3]);
      // the same worker takes the next file
      assert.deepEqual(await w.match('x\nparseUser(q)', 10, 5000, new AbortController().signal), matchLines('x\nparseUser(q)', re, 10));
    } finally {
      w.dispose();
    }
  });

  it('stops a catastrophically backtracking pattern at its deadline, and this thread keeps running meanwhile', async () => {
    const w = new RegexWorker(WORKER, /^(a+)+$/);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = Date.now();
    try {
      const got = await w.match(`${'a'.repeat(40)}!`, 10, 300, new AbortController().signal);
      const took = Date.now() - started;
      assert.deepEqual(got, { timedOut: true });
      assert.ok(took >= 290 && took < 5000, `${took} ms`);
      assert.ok(ticks > 5, `${ticks} ticks of 10 ms in ${took} ms: this thread was not held`);
    } finally {
      clearInterval(ticker);
      w.dispose();
    }
  });

  it('Stop ends a running match at once', async () => {
    const w = new RegexWorker(WORKER, /^(a+)+$/);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const started = Date.now();
    try {
      assert.deepEqual(await w.match(`${'a'.repeat(40)}!`, 10, 10_000, ac.signal), { stopped: true });
      assert.ok(Date.now() - started < 5000);
    } finally {
      w.dispose();
    }
  });
});
