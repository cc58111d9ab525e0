// Where tests for a source file go, by each ecosystem's convention, following what the folder
// already does when it says (siblings). Pure string work on paths with / or \ separators.

export interface TestFileTarget {
  /** the test file's path, in the source path's style */
  path: string;
  /** 'inline': the tests belong in the source file itself (Rust's and Zig's test modules) */
  placement: 'file' | 'inline';
  /** the source already is a test file: add to it */
  isTestFile: boolean;
}

const JS_EXT = /^(?:[cm]?[jt]sx?)$/;

function splitPath(p: string): { dir: string; sep: string; name: string } {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  const sep = p.includes('\\') && !p.includes('/') ? '\\' : '/';
  return { dir: i >= 0 ? p.slice(0, i) : '', sep, name: i >= 0 ? p.slice(i + 1) : p };
}

function join(dir: string, sep: string, ...parts: string[]): string {
  return [dir, ...parts].filter((x) => x !== '').join(sep);
}

/** Replaces the first `/from/` folder of the path with `/to/` (src/main/java → src/test/java). */
function swapFolder(dir: string, sep: string, from: string, to: string): string | undefined {
  const d = sep + dir.split(sep).join(sep) + sep;
  const f = sep + from.split('/').join(sep) + sep;
  const i = d.indexOf(f);
  if (i < 0) return undefined;
  const swapped = d.slice(0, i) + sep + to.split('/').join(sep) + sep + d.slice(i + f.length);
  return swapped.slice(1, -1);
}

function isTestName(name: string, stem: string, ext: string): boolean {
  return (
    /\.(test|spec)$/i.test(stem) ||
    /^test_/.test(name) ||
    /_(test|spec)$/.test(stem) ||
    /(Test|Tests|Spec|Suite)$/.test(stem) ||
    (ext === 'bats')
  );
}

/**
 * The test file for `sourcePath`. `siblings`: names of the files and folders next to it, when
 * known: `foo.spec.ts` beside it chooses `.spec`, a `__tests__` folder is used, and so on.
 */
export function testFilePathFor(sourcePath: string, languageId: string, siblings: readonly string[] = []): TestFileTarget {
  const { dir, sep, name } = splitPath(sourcePath);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot + 1) : '';
  const file = (d: string, n: string): TestFileTarget => ({ path: join(d, sep, n), placement: 'file', isTestFile: false });
  if (isTestName(name, stem, ext)) return { path: sourcePath, placement: 'file', isTestFile: true };
  const has = (re: RegExp) => siblings.some((s) => re.test(s));
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

  switch (languageId) {
    case 'typescript':
    case 'typescriptreact':
    case 'javascript':
    case 'javascriptreact':
    case 'vue':
    case 'svelte': {
      const testExt = JS_EXT.test(ext) ? ext : 'ts';
      const spec = has(/\.spec\.[cm]?[jt]sx?$/) && !has(/\.test\.[cm]?[jt]sx?$/);
      const testName = `${stem}.${spec ? 'spec' : 'test'}.${testExt}`;
      return siblings.includes('__tests__') ? file(join(dir, sep, '__tests__'), testName) : file(dir, testName);
    }
    case 'python': {
      const suffixStyle = has(/^[^/\\]+_test\.py$/) && !has(/^test_.+\.py$/);
      const testName = suffixStyle ? `${stem}_test.py` : `test_${stem}.py`;
      return siblings.includes('tests') ? file(join(dir, sep, 'tests'), testName) : file(dir, testName);
    }
    case 'go':
      return file(dir, `${stem}_test.go`);
    case 'java':
    case 'kotlin':
    case 'scala':
    case 'groovy': {
      const lang = languageId === 'java' ? 'java' : languageId;
      const testDir = swapFolder(dir, sep, `src/main/${lang}`, `src/test/${lang}`) ?? swapFolder(dir, sep, 'src/main/java', 'src/test/java') ?? dir;
      return file(testDir, `${stem}Test.${ext || lang}`);
    }
    case 'csharp':
      return file(dir, `${stem}Tests.cs`);
    case 'fsharp':
      return file(dir, `${stem}Tests.fs`);
    case 'rust':
    case 'zig':
      return { path: sourcePath, placement: 'inline', isTestFile: false };
    case 'c':
      return file(dir, `test_${stem}.c`);
    case 'cpp':
      return file(dir, `${stem}_test.${ext && !/^h(h|pp|xx)?$/.test(ext) ? ext : 'cpp'}`);
    case 'ruby': {
      if (has(/_test\.rb$/) && !has(/_spec\.rb$/)) return file(dir, `${stem}_test.rb`);
      return file(swapFolder(dir, sep, 'lib', 'spec') ?? dir, `${stem}_spec.rb`);
    }
    case 'php':
      return file(swapFolder(dir, sep, 'src', 'tests') ?? dir, `${cap(stem)}Test.php`);
    case 'swift': {
      // SwiftPM: Sources/Module/Foo.swift → Tests/ModuleTests/FooTests.swift
      const parts = dir.split(sep);
      const i = parts.lastIndexOf('Sources');
      if (i >= 0 && i + 1 < parts.length) {
        const testDir = [...parts.slice(0, i), 'Tests', `${parts[i + 1]}Tests`, ...parts.slice(i + 2)].join(sep);
        return file(testDir, `${stem}Tests.swift`);
      }
      return file(dir, `${stem}Tests.swift`);
    }
    case 'dart':
      return file(swapFolder(dir, sep, 'lib', 'test') ?? dir, `${stem}_test.dart`);
    case 'elixir':
      return file(swapFolder(dir, sep, 'lib', 'test') ?? dir, `${stem}_test.exs`);
    case 'lua':
      return file(dir, `${stem}_spec.lua`);
    case 'shellscript':
      return file(dir, `${stem}.bats`);
    case 'r':
      return file(swapFolder(dir, sep, 'R', 'tests/testthat') ?? dir, `test-${stem}.R`);
    case 'haskell':
      return file(swapFolder(dir, sep, 'src', 'test') ?? dir, `${stem}Spec.hs`);
    case 'powershell':
      return file(dir, `${stem}.Tests.ps1`);
    default:
      return file(dir, ext ? `${stem}.test.${ext}` : `${stem}.test`);
  }
}
