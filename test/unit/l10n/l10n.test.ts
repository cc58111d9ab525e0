// Every UI string the extension shows through vscode.l10n.t must have a Simplified Chinese
// translation, and every package.json %key% must exist in both nls files.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'webview' ? [] : sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** The string literals passed as the first argument of l10n.t(…), in their source form. */
export function extractL10nStrings(code: string): string[] {
  const out: string[] = [];
  const re = /l10n\.t\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    // eslint-disable-next-line no-new-func
    out.push(JSON.parse('"' + m[2]!.replace(/\\'/g, "'").replace(/"/g, '\\"') + '"') as string);
  }
  return out;
}

describe('localisation', () => {
  const bundle = JSON.parse(readFileSync(join(root, 'l10n/bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;

  it('finds the strings it checks', () => {
    assert.deepEqual(extractL10nStrings("x = vscode.l10n.t('It\\'s {0}', a) + l10n.t(\"b\")"), ["It's {0}", 'b']);
  });

  it('has a Chinese translation for every vscode.l10n.t string in src/', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const file of sources(join(root, 'src'))) {
      for (const s of extractL10nStrings(readFileSync(file, 'utf8'))) {
        seen++;
        if (!bundle[s]) missing.push(`${file.slice(root.length + 1)}: ${s}`);
      }
    }
    assert.ok(seen > 20, `scanned ${seen} strings`);
    assert.deepEqual(missing, []);
  });

  it('keeps the {n} placeholders of every translation', () => {
    for (const [en, zh] of Object.entries(bundle)) {
      const ph = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort().join();
      assert.equal(ph(zh), ph(en), `placeholders of "${en}"`);
    }
  });

  it('resolves every %key% of package.json in English and Chinese', () => {
    const pkg = readFileSync(join(root, 'package.json'), 'utf8');
    const en = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const zh = JSON.parse(readFileSync(join(root, 'package.nls.zh-cn.json'), 'utf8')) as Record<string, string>;
    const keys = [...pkg.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!);
    assert.ok(keys.length > 10);
    for (const k of keys) {
      assert.ok(en[k], `package.nls.json has ${k}`);
      assert.ok(zh[k], `package.nls.zh-cn.json has ${k}`);
    }
    assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort(), 'both nls files have the same keys');
  });
});

