// inline.us_per_chunk_5k_lines: the cost of one streamed chunk for "Edit Inline" on a
// 5,000-line region: fence tracking, fitting each line to the document, and the streaming diff
// update (runs committed + frontier). The answer is the region with 200 edits, in 4-character
// chunks like model tokens. Flat means the last chunks cost what the first ones do.

import { performance } from 'node:perf_hooks';
import { diffLines } from '../src/edits/diff';
import { InlineEditStream } from '../src/edits/streamingLineDiff';
import { synthCode, synthEdit } from '../test/unit/edits/synth';

const lines = synthCode(5000);
const original = lines.join('\n') + '\n';
const code = synthEdit(lines, 200).join('\n') + '\n';
const answer = `Here is the updated file:\n\n\`\`\`ts\n${code}\`\`\`\n\nThe changes add logging.\n`;
const CHUNK = 4;
const chunks: string[] = [];
for (let i = 0; i < answer.length; i += CHUNK) chunks.push(answer.slice(i, i + CHUNK));
const opts = { original, languageId: 'typescript', indent: { useTabs: false, size: 2 } };

interface Run {
  perChunk: number;
  /** us per chunk in each tenth of the stream */
  tenths: number[];
  finishMs: number;
  changed: boolean;
}

/** CPU microseconds of this process (user + system): machine load does not inflate it. */
function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function run(): Run {
  const s = new InlineEditStream(opts);
  const tenths: number[] = [];
  let sink = 0;
  const start = cpuUs();
  for (let d = 0; d < 10; d++) {
    const from = Math.floor((d * chunks.length) / 10);
    const to = Math.floor(((d + 1) * chunks.length) / 10);
    const t0 = cpuUs();
    for (let i = from; i < to; i++) sink += s.push(chunks[i]).runs.length;
    tenths.push((cpuUs() - t0) / (to - from));
  }
  const t1 = cpuUs();
  const fin = s.finish();
  const t2 = cpuUs();
  if (!fin.ok || fin.code !== code || sink === 0) throw new Error('inline stream did not reproduce the answer');
  return { perChunk: (t1 - start) / chunks.length, tenths, finishMs: (t2 - t1) / 1000, changed: fin.changedAtFinish };
}

// Streams run back to back, as in a working extension host: each one's garbage is collected
// while the next runs. (A forced full GC between them makes the next stream's first tenth pay
// for regrowing a shrunken heap, which is not what the user's host does.)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
run(); // warm-up
const runs: Run[] = [];
for (let i = 0; i < 11; i++) runs.push(run());
const m = {
  perChunk: median(runs.map((r) => r.perChunk)),
  first: median(runs.map((r) => r.tenths[0])),
  last: median(runs.map((r) => r.tenths[9])),
  firstMin: Math.min(...runs.map((r) => r.tenths[0])),
  lastMin: Math.min(...runs.map((r) => r.tenths[9])),
  finishMs: median(runs.map((r) => r.finishMs)),
  changed: runs.some((r) => r.changed),
};

// For scale: what re-diffing everything on each chunk would cost, at the end of the stream.
const t0 = performance.now();
for (let i = 0; i < 5; i++) diffLines(original, code);
const fullDiffUs = ((performance.now() - t0) * 1000) / 5;

const result = {
  'inline.us_per_chunk_5k_lines': {
    value: Number(m.perChunk.toFixed(3)),
    unit: 'µs',
    note: `CPU time (process.cpuUsage), median of 11 streams (after 1 warm-up) of a ${answer.length.toLocaleString('en-US')}-char answer rewriting a 5,000-line region with 200 edits, in ${chunks.length.toLocaleString('en-US')} chunks of ${CHUNK} chars through InlineEditStream.push (fence tracking, line fitting, streaming diff update); first 10% of chunks ${m.first.toFixed(3)} us/chunk (best ${m.firstMin.toFixed(3)}), last 10% ${m.last.toFixed(3)} us/chunk (best ${m.lastMin.toFixed(3)}): medians over the streams; finish() (final extraction + full diff) ${m.finishMs.toFixed(1)} ms CPU once; view changed at finish: ${m.changed}; a full re-diff per chunk would cost ~${Math.round(fullDiffUs)} us (wall)`,
  },
};
console.log(`inline: ${m.perChunk.toFixed(3)} us/chunk (first 10% ${m.first.toFixed(3)}/${m.firstMin.toFixed(3)}, last 10% ${m.last.toFixed(3)}/${m.lastMin.toFixed(3)}), finish ${m.finishMs.toFixed(1)} ms, full diff ${Math.round(fullDiffUs)} us`);
console.log('BENCH_RESULT ' + JSON.stringify(result));
