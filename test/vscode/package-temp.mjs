// Runs `npm run package` on a copy of the working tree in a temp folder, so a bench or test can
// have the exact .vsix a user would install without rebuilding the repository's own out/ and
// media/dist/ in production mode under the feet of whatever runs next.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SKIP = new Set(['node_modules', '.git', 'out', 'test-results', '.vscode-test']);

/** Resolves { vsix, dir, cleanup() }; rejects with npm's output when packaging fails. */
export function packageToTemp() {
  const dir = mkdtempSync(join(tmpdir(), 'qwen-package-'));
  cpSync(repo, dir, {
    recursive: true,
    filter: (src) => {
      const rel = relative(repo, src);
      if (!rel) return true;
      if (SKIP.has(rel.split('/')[0])) return false;
      return !basename(src).endsWith('.vsix');
    },
  });
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  return new Promise((resolve, reject) => {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
    const child = spawn('npm', ['run', '--silent', 'package'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', (e) => { cleanup(); reject(e); });
    child.on('close', (code) => {
      const vsix = join(dir, 'qwen-coder.vsix');
      if (code === 0 && existsSync(vsix)) resolve({ vsix, dir, output: out, cleanup });
      else { cleanup(); reject(new Error(`npm run package failed (exit ${code}):\n${out.slice(-3000)}`)); }
    });
  });
}
