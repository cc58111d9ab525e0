// The same call with the same arguments three times in a row is a loop (qwen-code #223, #249): the
// model is not learning anything new from the result. Counted across steps, reset by any other call.
export const LOOP_REPEATS = 3;

export class LoopGuard {
  private last = '';
  private count = 0;

  /** Records a call; true when it is the LOOP_REPEATS-th identical call in a row. */
  repeated(name: string, args: string): boolean {
    const key = `${name}\u0000${canonical(args)}`;
    if (key === this.last) this.count++;
    else {
      this.last = key;
      this.count = 1;
    }
    return this.count >= LOOP_REPEATS;
  }
}

/** Arguments compared as values: key order and spacing do not make a call new. */
function canonical(args: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(args)));
  } catch {
    return args.trim();
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortKeys(o[k])]));
  }
  return v;
}
