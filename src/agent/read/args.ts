// Reading the read tools' numeric arguments. Models write `"offset": "200"` as often as
// `"offset": 200`, so a whole number in a string counts; anything else is an error sentence.

/** A whole number at least `min`, undefined when absent, or the sentence the model is told. */
export function wholeNumberArg(value: unknown, name: string, min: number): number | undefined | { error: string } {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) {
    return { error: `${name} must be a whole number of at least ${min}; it was ${JSON.stringify(value)}.` };
  }
  return n;
}

/** The first argument present among `names` (the contract's name first, then older Qwen Code spellings). */
export function firstArg(args: Record<string, unknown>, ...names: string[]): unknown {
  for (const n of names) if (args[n] !== undefined && args[n] !== null) return args[n];
  return undefined;
}
