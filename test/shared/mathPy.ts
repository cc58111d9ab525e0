// The small Python file that the edit tests (integration and e2e) refactor, and the rewrites
// the fake model proposes for it: one copy, so every suite edits the same text.
export const MATH = [
  'def add(a, b):',
  '    return a + b',
  '',
  '',
  'def mean(values):',
  '    total = 0',
  '    for v in values:',
  '        total += v',
  '    return total / len(values)',
  '',
].join('\n');

/** mean() with an empty-list guard: the proposal of most edit tests */
export const MEAN_GUARDED = [
  'def mean(values):',
  '    if not values:',
  '        return 0',
  '    total = 0',
  '    for v in values:',
  '        total += v',
  '    return total / len(values)',
].join('\n');
export const GUARD = '    if not values:\n        return 0\n';
/** MATH with MEAN_GUARDED in place */
export const GUARDED = MATH.replace('    total = 0\n', GUARD + '    total = 0\n');

/** mean() rewritten so lines are replaced, not only added */
export const MEAN_RAISES = [
  'def mean(values):',
  '    if not values:',
  '        raise ValueError("mean of an empty list")',
  '    return sum(values) / len(values)',
].join('\n');
/** MATH with MEAN_RAISES in place */
export const RAISES = MATH.replace(/def mean[\s\S]*$/, MEAN_RAISES + '\n');
