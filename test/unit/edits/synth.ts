// Deterministic synthetic source files and edits, shared by the edits tests and benches.
// Realistic enough to matter: nested blocks, repeated lines (`}`, blank, `return result;`),
// unique identifiers per function, so the diff sees what real code gives it.

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

/** About `lines` lines of TypeScript-like code (without final newline handling: each line ends with \n). */
export function synthCode(lines: number, seed = 7, indent = '  '): string[] {
  const r = rng(seed);
  const out: string[] = [];
  let f = 0;
  while (out.length < lines) {
    f++;
    out.push(`export function handler${f}(input: Request${f % 7}, options?: Options): Result {`);
    const body = 3 + Math.floor(r() * 12);
    out.push(`${indent}const result = createResult(${f});`);
    for (let i = 0; i < body; i++) {
      const v = Math.floor(r() * 1000);
      if (r() < 0.25) {
        out.push(`${indent}if (input.field${v} > ${i}) {`);
        out.push(`${indent}${indent}result.add(input.field${v}, ${f * 31 + i});`);
        out.push(`${indent}}`);
      } else if (r() < 0.1) out.push('');
      else out.push(`${indent}result.value${i} = compute(input, ${v}, '${f}-${i}');`);
    }
    out.push(`${indent}return result;`);
    out.push('}');
    out.push('');
  }
  out.length = lines;
  return out;
}

/** `hunks` edits spread evenly over the lines: replace, insert or delete 1–3 lines each. */
export function synthEdit(lines: readonly string[], hunks: number, seed = 11): string[] {
  const r = rng(seed);
  const out: string[] = [];
  const step = Math.floor(lines.length / hunks);
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    if (i % step === step >> 1 && n < hunks) {
      n++;
      const kind = r();
      const span = 1 + Math.floor(r() * 3);
      if (kind < 0.5) {
        for (let k = 0; k < span && i < lines.length; k++, i++) out.push(lines[i].replace(/result/g, 'output') + ' // changed');
        i--;
      } else if (kind < 0.8) {
        for (let k = 0; k < span; k++) out.push(`  logger.debug('inserted ${n}.${k}');`);
        out.push(lines[i]);
      } else {
        i += Math.min(span, 2) - 1;
      }
    } else out.push(lines[i]);
  }
  return out;
}
