// The suggestion cache: retyping a prefix, or typing a suggestion's own start, costs no request.
import * as assert from 'node:assert/strict';
import { SuggestionCache, type CacheContext } from '../../../src/completions/cache';

function at(doc: string, docKey = 'file:///a.ts'): CacheContext {
  const i = doc.indexOf('|');
  return { docKey, offset: i, prefix: doc.slice(0, i), suffix: doc.slice(i + 1) };
}

describe('completions: cache', () => {
  it('returns what was stored for the same place, including "nothing"', () => {
    const c = new SuggestionCache();
    c.set(at('const x = |\n'), '42;');
    c.set(at('let y|\n'), '');
    assert.equal(c.get(at('const x = |\n')), '42;');
    assert.equal(c.get(at('let y|\n')), '');
    assert.equal(c.get(at('const z = |\n')), undefined);
    assert.equal(c.get(at('const x = |\n', 'file:///b.ts')), undefined);
  });

  it('serves the rest of a suggestion while the user types its first characters', () => {
    const c = new SuggestionCache();
    c.set(at('const x = |\n'), 'compute(1);');
    assert.equal(c.get(at('const x = c|\n')), 'ompute(1);');
    assert.equal(c.get(at('const x = comp|\n')), 'ute(1);');
    // typed something else: unknown
    assert.equal(c.get(at('const x = d|\n')), undefined);
    // typed it all: nothing left to offer, ask again
    assert.equal(c.get(at('const x = compute(1);|\n')), undefined);
  });

  it('does not serve the rest when the text after the cursor changed (an auto-closed bracket)', () => {
    const c = new SuggestionCache();
    c.set(at('f|\n'), '(a, b)');
    assert.equal(c.get(at('f(|)\n')), undefined);
  });

  it('does not serve the rest when the text before the stored place changed', () => {
    const c = new SuggestionCache();
    c.set(at('a = 1;\nconst x = |\n'), 'foo;');
    assert.equal(c.get(at('b = 1;\nconst x = f|\n')), undefined);
  });

  it('forgets the least recently used entry first', () => {
    const c = new SuggestionCache(2);
    c.set(at('a|'), '1');
    c.set(at('b|'), '2');
    assert.equal(c.get(at('a|')), '1'); // a is now the most recent
    c.set(at('c|'), '3');
    assert.equal(c.size, 2);
    assert.equal(c.get(at('b|')), undefined);
    assert.equal(c.get(at('a|')), '1');
    assert.equal(c.get(at('c|')), '3');
  });

  it('keys on the text near the cursor, so a long file costs the same', () => {
    const c = new SuggestionCache();
    const big = 'x'.repeat(100_000);
    c.set(at(`${big}\nconst q = |\n${big}`), 'r;');
    assert.equal(c.get(at(`${big}\nconst q = |\n${big}`)), 'r;');
  });
});
