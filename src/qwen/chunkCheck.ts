// Every streamed chunk is checked against ChunkSchema before we read it. zod is the authority;
// the shape test below only answers "yes" for the plain text/reasoning chunks that make up almost
// every stream, and only where zod would answer yes too (same fields, same types, nulls allowed).
// Anything else (usage, meta, errors, tool calls, odd types) goes through zod. See bench/client.bench.ts
// for why: zod's copy of each chunk was the largest single cost per chunk.
import { ChunkSchema, type Chunk } from './schema';

function strOrNull(v: unknown): boolean {
  return v === undefined || v === null || typeof v === 'string';
}

function numOrNull(v: unknown): boolean {
  return v === undefined || v === null || typeof v === 'number';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True only for chunks ChunkSchema accepts unchanged and that carry nothing but plain deltas. */
export function isPlainChunk(o: unknown): o is Chunk {
  if (!isRecord(o)) return false;
  if (!strOrNull(o.id) || !strOrNull(o.model)) return false;
  if ((o.usage !== undefined && o.usage !== null) || (o.meta !== undefined && o.meta !== null) || (o.error !== undefined && o.error !== null)) return false;
  const choices = o.choices;
  if (choices === undefined || choices === null) return true;
  if (!Array.isArray(choices)) return false;
  for (let i = 0; i < choices.length; i++) {
    const c: unknown = choices[i];
    if (!isRecord(c)) return false;
    if (!numOrNull(c.index) || !strOrNull(c.finish_reason)) return false;
    const d = c.delta;
    if (d === undefined || d === null) continue;
    if (!isRecord(d)) return false;
    if (!strOrNull(d.content) || !strOrNull(d.reasoning_content) || !strOrNull(d.reasoning) || !strOrNull(d.role)) return false;
    if (d.tool_calls !== undefined && d.tool_calls !== null) return false;
  }
  return true;
}

/** 'fast' (shape test, zod for the rest) or 'zod' (zod for every chunk); the bench compares both. */
let mode: 'fast' | 'zod' = 'fast';

export function setChunkCheckMode(m: 'fast' | 'zod'): void {
  mode = m;
}

/** The checked chunk, or undefined when it does not match the schema. */
export function checkChunk(json: unknown): Chunk | undefined {
  if (mode === 'fast' && isPlainChunk(json)) return json;
  const r = ChunkSchema.safeParse(json);
  return r.success ? r.data : undefined;
}
