// The folder the tests open: a fresh temp copy of a few sample files, plus
// test/integration/fixtures/workspace when that folder exists, plus a test's own files (later wins).
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SAMPLE_FILES = {
  'src/math.ts': [
    'export function add(a: number, b: number): number {',
    '  return a + b;',
    '}',
    '',
    'export function mean(values: number[]): number {',
    '  let total = 0;',
    '  for (const v of values) total += v;',
    '  return total / values.length;',
    '}',
    '',
  ].join('\n'),
  'src/greet.py': 'def greet(name):\n    return "Hello, " + name\n',
  'src/util.js': 'function clamp(x, lo, hi) {\n  return Math.min(Math.max(x, lo), hi);\n}\n\nmodule.exports = { clamp };\n',
  'README.md': '# Sample workspace\n\nUsed by the Qwen Coder integration tests.\n',
  'package.json': JSON.stringify({ name: 'sample-workspace', version: '1.0.0', private: true }, null, 2) + '\n',
};

/** A fresh folder with the sample files (and `extra` files: relative path -> text). */
export function makeWorkspace(prefix = 'qwen-ws-', extra = {}) {
  const ws = mkdtempSync(join(tmpdir(), prefix));
  const write = (files) => {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(ws, rel)), { recursive: true });
      writeFileSync(join(ws, rel), text);
    }
  };
  write(SAMPLE_FILES);
  const fixtures = join(repo, 'test', 'integration', 'fixtures', 'workspace');
  if (existsSync(fixtures)) cpSync(fixtures, ws, { recursive: true });
  write(extra);
  return ws;
}
