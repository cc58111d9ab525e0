// The glob patterns the model writes, made safe for findFiles: absolute ones inside the workspace
// become relative to their folder, ones outside or climbing with `..` are refused, and grep's
// file filter matches names at any depth as ripgrep's --glob does.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { fileFilterGlob, sanitizeGlob } from '../../../src/agent/read/globPattern';

const folders = ['/home/me/app', '/home/me/lib'];

describe('agent/read/globPattern: glob patterns from the model', () => {
  it('a relative pattern stays as it is, minus a leading ./', () => {
    assert.deepEqual(sanitizeGlob('**/*.ts', folders, path.posix), { pattern: '**/*.ts' });
    assert.deepEqual(sanitizeGlob(' ./src/*.ts ', folders, path.posix), { pattern: 'src/*.ts' });
  });

  it('an absolute pattern inside a folder becomes relative to that folder', () => {
    assert.deepEqual(sanitizeGlob('/home/me/app/src/**/*.ts', folders, path.posix), { pattern: 'src/**/*.ts', base: '/home/me/app' });
    assert.deepEqual(sanitizeGlob('/home/me/lib/*.md', folders, path.posix), { pattern: '*.md', base: '/home/me/lib' });
  });

  it('an absolute pattern outside, or one climbing with .., is refused', () => {
    for (const p of ['/etc/*', '/home/me/*', '../secrets/*', 'src/../../x/*', '/home/me/app/../other/*']) {
      const r = sanitizeGlob(p, folders, path.posix);
      assert.ok('error' in r, `${p} -> ${JSON.stringify(r)}`);
    }
    assert.ok('error' in sanitizeGlob('', folders, path.posix));
    assert.ok('error' in sanitizeGlob(3, folders, path.posix));
    assert.ok('error' in sanitizeGlob('/home/me/app', folders, path.posix));
  });

  it('Windows: backslashes become slashes, drive paths are absolute', () => {
    const win = ['C:\\work\\app'];
    assert.deepEqual(sanitizeGlob('src\\**\\*.ts', win, path.win32), { pattern: 'src/**/*.ts' });
    assert.deepEqual(sanitizeGlob('C:\\work\\app\\src\\*.ts', win, path.win32), { pattern: 'src/*.ts', base: 'C:\\work\\app' });
    assert.ok('error' in sanitizeGlob('D:\\other\\*.ts', win, path.win32));
  });

  it("grep's filter: a bare name pattern matches at any depth; none means every file", () => {
    assert.deepEqual(fileFilterGlob(undefined), { pattern: '**/*' });
    assert.deepEqual(fileFilterGlob('*.ts'), { pattern: '**/*.ts' });
    assert.deepEqual(fileFilterGlob('*.{ts,tsx}'), { pattern: '**/*.{ts,tsx}' });
    assert.deepEqual(fileFilterGlob('src/**/*.ts'), { pattern: 'src/**/*.ts' });
    assert.ok('error' in fileFilterGlob('/etc/*'));
    assert.ok('error' in fileFilterGlob('../*.ts'));
    assert.ok('error' in fileFilterGlob(5));
  });
});
