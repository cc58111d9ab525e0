// What we know per VS Code language id: the names a model may put after a fence, how the
// language documents code, and which test framework to assume when the context does not say.

export interface LanguageInfo {
  /** lower-case fence tags that mean this language; the first is the one we write */
  fences: string[];
  /** the doc-comment convention, phrased for the model */
  docs: string;
  /** the test framework to use when neither the project nor the existing test file shows one */
  tests: string;
}

const TABLE: Record<string, LanguageInfo> = {
  typescript: { fences: ['ts', 'typescript', 'mts', 'cts'], docs: 'TSDoc/JSDoc `/** ... */` comments above each declaration, with @param and @returns where useful', tests: 'the test framework already used by the project (Vitest, Jest or Mocha); if unknown, Vitest-compatible `describe`/`it`/`expect`' },
  typescriptreact: { fences: ['tsx', 'typescript', 'ts', 'typescriptreact'], docs: 'TSDoc/JSDoc `/** ... */` comments above each declaration', tests: 'the project\'s framework with React Testing Library; if unknown, Vitest and @testing-library/react' },
  javascript: { fences: ['js', 'javascript', 'mjs', 'cjs', 'node'], docs: 'JSDoc `/** ... */` comments above each declaration, with @param {type} and @returns', tests: 'the test framework already used by the project (Jest, Vitest or Mocha); if unknown, `node:test` with `node:assert`' },
  javascriptreact: { fences: ['jsx', 'javascript', 'js', 'javascriptreact'], docs: 'JSDoc `/** ... */` comments above each declaration', tests: 'the project\'s framework with React Testing Library' },
  python: { fences: ['python', 'py', 'python3', 'py3'], docs: 'PEP 257 docstrings (`"""..."""`) as the first statement inside each function, class and module, in the style the file already uses (Google, NumPy or reST)', tests: 'pytest (plain `assert`, fixtures, `pytest.mark.parametrize`)' },
  go: { fences: ['go', 'golang'], docs: 'Go doc comments: `//` lines directly above each declaration, starting with the declared name', tests: 'the standard `testing` package with table-driven tests' },
  java: { fences: ['java'], docs: 'Javadoc `/** ... */` above each class and method, with @param, @return and @throws', tests: 'JUnit 5 (`org.junit.jupiter.api`)' },
  kotlin: { fences: ['kotlin', 'kt', 'kts'], docs: 'KDoc `/** ... */` above each declaration, with @param and @return', tests: 'JUnit 5 with kotlin.test assertions' },
  scala: { fences: ['scala', 'sc'], docs: 'Scaladoc `/** ... */` above each definition', tests: 'ScalaTest (AnyFunSuite)' },
  csharp: { fences: ['csharp', 'cs', 'c#'], docs: 'XML doc comments (`/// <summary>...</summary>`, <param>, <returns>) above each member', tests: 'xUnit (`[Fact]`, `[Theory]`)' },
  fsharp: { fences: ['fsharp', 'fs', 'f#'], docs: '`///` XML doc comments above each binding', tests: 'xUnit' },
  c: { fences: ['c', 'h'], docs: 'Doxygen `/** ... */` comments above each function, with @param and @return', tests: 'a small self-contained test program using `assert.h`, unless the project uses a framework (Unity, CMocka)' },
  cpp: { fences: ['cpp', 'c++', 'cc', 'cxx', 'hpp', 'h'], docs: 'Doxygen `/** ... */` or `///` comments above each declaration', tests: 'GoogleTest (`TEST`, `EXPECT_EQ`)' },
  'objective-c': { fences: ['objectivec', 'objc', 'objective-c', 'm'], docs: 'HeaderDoc/Doxygen `/** ... */` comments', tests: 'XCTest' },
  rust: { fences: ['rust', 'rs'], docs: '`///` doc comments above each item (`//!` for the module), with `# Examples` where useful', tests: 'a `#[cfg(test)] mod tests` module with `#[test]` functions' },
  swift: { fences: ['swift'], docs: '`///` documentation comments with `- Parameter` and `- Returns`', tests: 'XCTest' },
  php: { fences: ['php'], docs: 'PHPDoc `/** ... */` above each function, class and property, with @param and @return', tests: 'PHPUnit' },
  ruby: { fences: ['ruby', 'rb'], docs: 'YARD `#` comments above each method, with @param and @return', tests: 'RSpec, unless the project uses Minitest' },
  dart: { fences: ['dart'], docs: '`///` doc comments above each declaration', tests: 'package:test' },
  elixir: { fences: ['elixir', 'ex', 'exs'], docs: '`@moduledoc` and `@doc` heredocs', tests: 'ExUnit' },
  lua: { fences: ['lua'], docs: 'LuaLS `---` annotations (`---@param`, `---@return`) above each function', tests: 'busted' },
  r: { fences: ['r'], docs: 'roxygen2 `#\'` comments above each function', tests: 'testthat' },
  shellscript: { fences: ['bash', 'sh', 'shell', 'zsh', 'shellscript'], docs: '`#` comments above each function describing arguments, outputs and exit status', tests: 'bats' },
  powershell: { fences: ['powershell', 'ps1', 'pwsh'], docs: 'comment-based help (`<# .SYNOPSIS ... #>`) inside each function', tests: 'Pester' },
  sql: { fences: ['sql'], docs: '`--` comments above each statement', tests: 'plain SQL assertions' },
  html: { fences: ['html', 'htm'], docs: '`<!-- -->` comments', tests: 'the project\'s DOM test framework' },
  css: { fences: ['css'], docs: '`/* */` comments', tests: 'none' },
  scss: { fences: ['scss'], docs: '`///` SassDoc comments', tests: 'none' },
  vue: { fences: ['vue', 'html'], docs: 'JSDoc comments in the script block', tests: 'Vitest with @vue/test-utils' },
  svelte: { fences: ['svelte', 'html'], docs: 'JSDoc comments in the script block', tests: 'Vitest with @testing-library/svelte' },
  haskell: { fences: ['haskell', 'hs'], docs: 'Haddock `-- |` comments', tests: 'Hspec' },
  clojure: { fences: ['clojure', 'clj', 'cljs'], docs: 'docstrings in each `defn`', tests: 'clojure.test' },
  zig: { fences: ['zig'], docs: '`///` doc comments', tests: '`test` blocks in the same file' },
  yaml: { fences: ['yaml', 'yml'], docs: '`#` comments', tests: 'none' },
  json: { fences: ['json', 'jsonc'], docs: 'none (JSON has no comments)', tests: 'none' },
  markdown: { fences: ['markdown', 'md'], docs: 'none', tests: 'none' },
};

export function languageInfo(languageId: string): LanguageInfo {
  return TABLE[languageId] ?? { fences: [languageId.toLowerCase()], docs: 'the doc-comment convention usual for this language, placed where its tools expect it', tests: 'the test framework usual for this language' };
}

/** The tag we write after our own fences, e.g. `ts` for typescript. */
export function fenceTag(languageId: string): string {
  return languageInfo(languageId).fences[0] ?? '';
}

/** Whether a fence tag written by the model names this language. */
export function fenceMatchesLanguage(tag: string, languageId: string | undefined): boolean {
  if (!languageId || !tag) return false;
  const t = tag.toLowerCase();
  if (t === languageId.toLowerCase()) return true;
  return languageInfo(languageId).fences.includes(t);
}

let knownTags: Set<string> | undefined;

/** Whether some language we know uses this fence tag (so a block tagged with it is not "unknown"). */
export function isKnownFenceTag(tag: string): boolean {
  if (!knownTags) {
    knownTags = new Set();
    for (const info of Object.values(TABLE)) for (const f of info.fences) knownTags.add(f);
  }
  return knownTags.has(tag);
}
