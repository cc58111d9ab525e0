// Property: however the network cuts a recorded stream, the caller gets the same events.
// Small recordings are cut at every byte offset; all are fed one byte at a time; long ones are
// cut at random offsets (seeded, so a failure can be replayed).
import * as assert from 'node:assert/strict';
import { ChatStreamDecoder, QwenError, type StreamEvent } from '../../../src/qwen';
import { Utf8Stream } from '../../../src/qwen/stream';
import type { ErrorContext } from '../../../src/qwen/errors';
import { isPlainChunk } from '../../../src/qwen/chunkCheck';
import { ChunkSchema } from '../../../src/qwen/schema';
import { fixtureNames, loadFixture, longStream } from '../../fake-qwen/fixtures';

const ctx: ErrorContext = { provider: 'dashscope-intl', providerLabel: 'Alibaba Model Studio — Singapore', host: 'h', model: 'm', secrets: [] };

interface Outcome {
  events: string;
  chunks: number;
  error?: string;
  text: string;
}

function decode(pieces: Uint8Array[]): Outcome {
  const events: StreamEvent[] = [];
  const d = new ChatStreamDecoder((e) => events.push(e), ctx);
  let error: string | undefined;
  try {
    for (const p of pieces) {
      d.push(p);
      if (d.done) break;
    }
    if (!d.done) d.end();
  } catch (e) {
    if (!(e instanceof QwenError)) throw e;
    error = `${e.kind}:${e.code ?? ''}`;
  }
  return { events: JSON.stringify(events), chunks: d.chunks, error, text: d.result.text };
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cutAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const sorted = [...new Set(offsets)].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let last = 0;
  for (const o of sorted) {
    out.push(bytes.subarray(last, o));
    last = o;
  }
  out.push(bytes.subarray(last));
  return out;
}

describe('qwen stream decoder: any split of a recorded stream gives the same events', function () {
  // CPU-bound; generous for a shared, busy machine (typically ~3 s in all)
  this.timeout(30_000);
  const names = fixtureNames();

  it('has the recordings', () => {
    assert.ok(names.length >= 12, names.join(', '));
  });

  for (const name of names) {
    const bytes = new Uint8Array(Buffer.from(loadFixture(name), 'utf8'));
    const reference = decode([bytes]);

    it(`${name}: reference decode is sane`, () => {
      const events = JSON.parse(reference.events) as StreamEvent[];
      assert.ok(events.length > 0);
      if (reference.error === undefined) assert.ok(events.some((e) => e.type === 'finish'), 'a complete stream finishes');
      else assert.match(reference.error, /^(stream-error|content-filter):/);
    });

    if (bytes.length <= 5_000) {
      it(`${name}: cut at every one of ${bytes.length} byte offsets`, () => {
        for (let i = 1; i < bytes.length; i++) {
          const got = decode([bytes.subarray(0, i), bytes.subarray(i)]);
          if (got.events !== reference.events || got.error !== reference.error) assert.fail(`differs when cut at byte ${i}`);
        }
      });
    } else {
      it(`${name}: cut at random offsets (60 runs, seed 7)`, () => {
        const rand = rng(7);
        for (let run = 0; run < 60; run++) {
          const cuts = Array.from({ length: 1 + Math.floor(rand() * 40) }, () => 1 + Math.floor(rand() * (bytes.length - 1)));
          const got = decode(cutAt(bytes, cuts));
          if (got.events !== reference.events || got.error !== reference.error) assert.fail(`differs for cuts ${JSON.stringify(cuts.sort((a, b) => a - b))}`);
        }
      });
    }

    it(`${name}: fed one byte at a time`, () => {
      const pieces: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i++) pieces.push(bytes.subarray(i, i + 1));
      const got = decode(pieces);
      assert.equal(got.events, reference.events);
      assert.equal(got.error, reference.error);
    });
  }

  it('the 20,000-chunk stream, cut at random offsets', () => {
    const long = longStream(20_000);
    const bytes = new Uint8Array(Buffer.from(long.text, 'utf8'));
    const reference = decode([bytes]);
    assert.equal((JSON.parse(reference.events) as StreamEvent[]).filter((e) => e.type === 'text').length, 20_000);
    const rand = rng(11);
    for (let run = 0; run < 2; run++) {
      const cuts = Array.from({ length: 2000 }, () => 1 + Math.floor(rand() * (bytes.length - 1)));
      const got = decode(cutAt(bytes, cuts));
      assert.equal(got.text, reference.text);
      assert.equal(got.events, reference.events);
    }
  });
});

describe('qwen chunk check: the shape test never accepts what zod would refuse', () => {
  it('holds for recorded chunks and thousands of mutations of them', () => {
    const samples: unknown[] = [];
    for (const name of fixtureNames()) {
      for (const line of loadFixture(name).split(/\r?\n/)) {
        if (line.startsWith('data: {')) samples.push(JSON.parse(line.slice(6)));
      }
    }
    const weird: unknown[] = [null, 0, 1.5, '', 'x', true, [], {}, [1], { a: 1 }, -1];
    const rand = rng(3);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
    let accepted = 0;
    let checked = 0;
    for (let i = 0; i < 4000; i++) {
      const chunk = structuredClone(pick(samples)) as Record<string, any>;
      // mutate one field somewhere: top level, the choice, or the delta
      const targets: Record<string, any>[] = [chunk];
      const choice = chunk.choices?.[0];
      if (choice && typeof choice === 'object') targets.push(choice);
      if (choice?.delta && typeof choice.delta === 'object') targets.push(choice.delta);
      const t = pick(targets);
      const keys = [...Object.keys(t), 'content', 'reasoning', 'tool_calls', 'usage', 'error', 'index', 'choices'];
      t[pick(keys)] = pick(weird);
      const fast = isPlainChunk(chunk);
      const zod = ChunkSchema.safeParse(chunk).success;
      checked++;
      if (fast) {
        accepted++;
        assert.ok(zod, `shape test accepted what zod refuses: ${JSON.stringify(chunk)}`);
      }
    }
    assert.ok(accepted > 100 && accepted < checked, `${accepted} of ${checked} took the fast path`);
  });
});

describe('qwen stream UTF-8: any split decodes as a streaming TextDecoder would', () => {
  // Valid text of every width, then the malformed sequences a broken proxy could hand us: a lone
  // continuation byte, a cut 3-byte and 4-byte character, overlong and surrogate encodings, bytes
  // that never start a character, and a lead byte with nothing after it at the very end.
  const valid = Buffer.from('a\u00e9\u4e2d\ud83d\ude00 z', 'utf8');
  const bad = Buffer.from([0x80, 0x41, 0xe4, 0xb8, 0x42, 0xf0, 0x9f, 0x98, 0x43, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf8, 0xff, 0x44, 0xe4]);
  const samples: [string, Buffer][] = [
    ['valid', valid],
    ['malformed', Buffer.concat([valid, bad])],
    ['BOM first', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), valid, Buffer.from([0xef, 0xbb, 0xbf])])],
  ];

  const viaUtf8Stream = (pieces: Uint8Array[]) => {
    const u = new Utf8Stream();
    return pieces.map((p) => u.write(p)).join('') + u.end();
  };
  const viaTextDecoder = (pieces: Uint8Array[]) => {
    const d = new TextDecoder('utf-8');
    return pieces.map((p) => d.decode(p, { stream: true })).join('') + d.decode();
  };

  for (const [name, bytes] of samples) {
    it(`${name}: every cut into two and three pieces, and byte by byte`, () => {
      const whole = new TextDecoder('utf-8').decode(bytes);
      assert.equal(viaUtf8Stream([bytes]), whole);
      for (let i = 0; i <= bytes.length; i++) {
        for (let j = i; j <= bytes.length; j++) {
          const pieces = [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)];
          if (viaUtf8Stream(pieces) !== whole) assert.fail(`differs when cut at ${i} and ${j}`);
        }
      }
      const single = [...bytes].map((b) => new Uint8Array([b]));
      assert.equal(viaUtf8Stream(single), viaTextDecoder(single));
    });
  }

  it('a stream that starts with a BOM gives the same events, wherever the BOM is cut', () => {
    const name = fixtureNames()[0]!;
    const plain = new Uint8Array(Buffer.from(loadFixture(name), 'utf8'));
    const reference = decode([plain]);
    const withBom = new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plain]));
    for (let i = 0; i <= 6; i++) {
      const got = decode([withBom.subarray(0, i), withBom.subarray(i)]);
      assert.equal(got.events, reference.events, `cut at ${i}`);
      assert.equal(got.chunks, reference.chunks, `cut at ${i}: a chunk was lost`);
    }
  });
});
