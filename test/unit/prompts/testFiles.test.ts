import * as assert from 'node:assert/strict';
import { testFilePathFor } from '../../../src/prompts/testFiles';

describe('prompts/testFiles: where tests go', () => {
  const cases: Array<[string, string, string[], string, 'file' | 'inline']> = [
    ['src/foo.ts', 'typescript', [], 'src/foo.test.ts', 'file'],
    ['src/foo.ts', 'typescript', ['bar.spec.ts', 'bar.ts'], 'src/foo.spec.ts', 'file'],
    ['src/foo.ts', 'typescript', ['bar.spec.ts', 'baz.test.ts'], 'src/foo.test.ts', 'file'],
    ['src/Button.tsx', 'typescriptreact', ['__tests__'], 'src/__tests__/Button.test.tsx', 'file'],
    ['lib/util.mjs', 'javascript', [], 'lib/util.test.mjs', 'file'],
    ['pkg/foo.py', 'python', [], 'pkg/test_foo.py', 'file'],
    ['pkg/foo.py', 'python', ['bar_test.py'], 'pkg/foo_test.py', 'file'],
    ['pkg/foo.py', 'python', ['tests'], 'pkg/tests/test_foo.py', 'file'],
    ['server/foo.go', 'go', [], 'server/foo_test.go', 'file'],
    ['src/main/java/com/acme/Foo.java', 'java', [], 'src/test/java/com/acme/FooTest.java', 'file'],
    ['app/src/main/kotlin/a/Bar.kt', 'kotlin', [], 'app/src/test/kotlin/a/BarTest.kt', 'file'],
    ['Services/Cart.cs', 'csharp', [], 'Services/CartTests.cs', 'file'],
    ['src/lib.rs', 'rust', [], 'src/lib.rs', 'inline'],
    ['src/geo.cpp', 'cpp', [], 'src/geo_test.cpp', 'file'],
    ['src/geo.hpp', 'cpp', [], 'src/geo_test.cpp', 'file'],
    ['src/list.c', 'c', [], 'src/test_list.c', 'file'],
    ['lib/shop/cart.rb', 'ruby', [], 'spec/shop/cart_spec.rb', 'file'],
    ['src/Cart.php', 'php', [], 'tests/CartTest.php', 'file'],
    ['Sources/Shop/Cart.swift', 'swift', [], 'Tests/ShopTests/CartTests.swift', 'file'],
    ['lib/cart.dart', 'dart', [], 'test/cart_test.dart', 'file'],
    ['lib/cart.ex', 'elixir', [], 'test/cart_test.exs', 'file'],
    ['notes/thing.xyz', 'plaintext', [], 'notes/thing.test.xyz', 'file'],
  ];
  for (const [src, lang, sib, expected, placement] of cases) {
    it(`${src} (${lang}${sib.length ? ', beside ' + sib.join(' ') : ''}) -> ${expected}`, () => {
      const t = testFilePathFor(src, lang, sib);
      assert.equal(t.path, expected);
      assert.equal(t.placement, placement);
      assert.equal(t.isTestFile, false);
    });
  }

  it('keeps Windows separators', () => {
    assert.equal(testFilePathFor('C:\\work\\app\\foo.go', 'go').path, 'C:\\work\\app\\foo_test.go');
    assert.equal(testFilePathFor('src\\main\\java\\Foo.java', 'java').path, 'src\\test\\java\\FooTest.java');
  });

  it('a test file is its own target', () => {
    for (const [p, l] of [['a/foo.test.ts', 'typescript'], ['a/test_foo.py', 'python'], ['a/foo_test.go', 'go'], ['FooTest.java', 'java'], ['spec/x_spec.rb', 'ruby']]) {
      const t = testFilePathFor(p, l);
      assert.deepEqual([t.path, t.isTestFile], [p, true], p);
    }
  });
});
