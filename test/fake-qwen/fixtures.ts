// The recorded streams on disk, and the long ones generated from them at run time (the 20,000-chunk
// bench stream and the 50 MB answer would be tens of MB in git).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { contentChunk, DONE, event, finishChunk, firstChunk, usageChunk, dataPayloads, type Envelope } from './sse';

/**
 * The fixtures folder wherever this module runs from: next to the source (test/fake-qwen/) or in
 * the bundle (out/test/fake-qwen/, three levels below the repo root). esbuild does not copy fixtures.
 */
export function fixturesDir(): string {
  const candidates = [join(__dirname, 'fixtures'), resolve(__dirname, '../../../test/fake-qwen/fixtures'), resolve(process.cwd(), 'test/fake-qwen/fixtures')];
  for (const c of candidates) if (existsSync(join(c, 'answers.mjs'))) return c;
  throw new Error(`fake-qwen: fixtures folder not found (looked in ${candidates.join(', ')})`);
}

const cache = new Map<string, string>();

export function fixtureNames(dir = fixturesDir()): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.sse')).sort();
}

/** A recording as the exact text that went over the wire. */
export function loadFixture(name: string, dir = fixturesDir()): string {
  const file = name.endsWith('.sse') ? name : `${name}.sse`;
  const key = join(dir, file);
  let text = cache.get(key);
  if (text === undefined) {
    text = readFileSync(key, 'utf8');
    cache.set(key, text);
  }
  return text;
}

/** Every content/reasoning piece of the recorded answers, in order: English, Chinese, code, emoji. */
function recordedPieces(dir: string): string[] {
  const out: string[] = [];
  for (const name of ['dashscope-qwen3-coder-plus-explain', 'dashscope-qwen3-coder-plus-explain-zh', 'dashscope-qwen-plus-thinking-zh', 'dashscope-qwq-plus']) {
    for (const data of dataPayloads(loadFixture(name, dir))) {
      if (data === '[DONE]') continue;
      const c = JSON.parse(data) as { choices?: { delta?: { content?: string | null } }[] };
      const t = c.choices?.[0]?.delta?.content;
      if (t) out.push(t);
    }
  }
  return out;
}

let longCache: { key: string; text: string; chunks: number; payloads: string[]; events: string[] } | undefined;

/**
 * A DashScope stream of `contentChunks` content chunks (plus first, finish and usage chunks) made
 * of the recorded pieces in order, repeated: same sizes and mix as real answers. Deterministic.
 */
export function longStream(contentChunks = 20_000, model = 'qwen3-coder-plus', dir = fixturesDir()): { text: string; chunks: number; payloads: string[]; events: string[] } {
  const key = `${contentChunks}|${model}|${dir}`;
  if (longCache?.key === key) return longCache;
  const src = recordedPieces(dir);
  const env: Envelope = { id: 'chatcmpl-5f1e0b7c2d3a4e8f9a0b1c2d3e4f5a6b', model, created: 1763000000 };
  const payloads: string[] = [firstChunk(env)];
  for (let i = 0; i < contentChunks; i++) payloads.push(contentChunk(env, src[i % src.length]!));
  payloads.push(finishChunk(env), usageChunk(env, 2048, contentChunks * 3, 1024));
  const events = [...payloads.map(event), DONE];
  longCache = { key, text: events.join(''), chunks: payloads.length, payloads, events };
  return longCache;
}

/**
 * The events of an answer of `bytes` UTF-8 bytes, produced lazily (never held in memory whole):
 * pieces of about `pieceBytes`, cut from the recorded answers.
 */
export function* hugeStream(bytes: number, pieceBytes = 2048, model = 'qwen3-coder-plus', dir = fixturesDir()): Generator<string, void, void> {
  const env: Envelope = { id: 'chatcmpl-huge0000000000000000000000000000', model, created: 1763000000 };
  // Cut the recorded text into pieces once (at code point boundaries) and cycle through them.
  const pieces: { ev: string; bytes: number }[] = [];
  let piece = '';
  let size = 0;
  for (const ch of recordedPieces(dir).join('')) {
    piece += ch;
    size += Buffer.byteLength(ch);
    if (size >= pieceBytes) {
      pieces.push({ ev: event(contentChunk(env, piece)), bytes: size });
      piece = '';
      size = 0;
    }
  }
  yield event(firstChunk(env));
  let sent = 0;
  let n = 0;
  while (sent < bytes) {
    const p = pieces[n % pieces.length]!;
    sent += p.bytes;
    n++;
    yield p.ev;
  }
  yield event(finishChunk(env));
  yield event(usageChunk(env, 512, n * 500));
  yield DONE;
}
