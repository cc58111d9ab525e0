// Tests appended to an existing test file: their imports join the file's own, never repeated,
// never changing an existing line.
import * as assert from 'node:assert/strict';
import { planAppend } from '../../../src/edits/appendImports';

/** What the file looks like once the plan is applied (as the pending edit's two insertions would). */
function apply(existing: string, appended: string, lang: string): string {
  const p = planAppend(existing, appended, lang);
  const withImports = p.imports.length ? existing.slice(0, p.importsAt) + p.imports.map((l) => l + '\n').join('') + existing.slice(p.importsAt) : existing;
  return withImports + '\n' + p.body;
}

describe('edits: imports of appended tests', () => {
  const tsFile = [
    "import * as assert from 'node:assert/strict';",
    "import { describe, it } from 'mocha';",
    "import { mean } from '../src/math';",
    '',
    "describe('mean', () => {",
    "  it('averages', () => assert.equal(mean([1, 3]), 2));",
    '});',
    '',
  ].join('\n');

  it('TypeScript: drops repeated imports and names, adds only what is new after the last import', () => {
    const appended = [
      "import * as assert from 'node:assert/strict';",
      "import { describe, it, beforeEach } from 'mocha';",
      "import { median } from '../src/math';",
      '',
      "describe('median', () => {",
      "  it('takes the middle', () => assert.equal(median([3, 1, 2]), 2));",
      '});',
    ].join('\n');
    const plan = planAppend(tsFile, appended, 'typescript');
    assert.deepEqual(plan.imports, ["import { beforeEach } from 'mocha';", "import { median } from '../src/math';"]);
    assert.equal(plan.importsAt, tsFile.indexOf('\n\ndescribe') + 1);
    assert.ok(plan.body.startsWith("describe('median'"), plan.body);
    const after = apply(tsFile, appended, 'typescript');
    // every existing line is still there, in order
    let at = 0;
    for (const line of tsFile.split('\n')) {
      const i = after.indexOf(line, at);
      assert.ok(i >= at, `lost: ${line}`);
      at = i + line.length;
    }
    assert.equal(after.match(/from 'mocha'/g)!.length, 2);
    assert.equal(after.match(/node:assert/g)!.length, 1);
  });

  it('TypeScript: an import of nothing new disappears; multi-line imports are read whole', () => {
    const file = "import {\n  add,\n  mean,\n} from './math';\nimport { expect } from 'chai';\n\nit('x', () => {});\n";
    const plan = planAppend(file, "import { add } from './math';\nimport {\n  expect,\n} from 'chai';\n\nit('adds', () => expect(add(1, 2)).to.equal(3));\n", 'typescript');
    assert.deepEqual(plan.imports, []);
    assert.equal(plan.body, "it('adds', () => expect(add(1, 2)).to.equal(3));\n");
  });

  it('Python: import and from-import, names already bound are left out', () => {
    const file = '"""Tests for stats."""\nimport pytest\nfrom stats import mean\n\n\ndef test_mean():\n    assert mean([1, 3]) == 2\n';
    const plan = planAppend(file, 'import pytest\nimport math\nfrom stats import mean, median\n\n\ndef test_median():\n    assert median([3, 1, 2]) == 2\n', 'python');
    assert.deepEqual(plan.imports, ['import math', 'from stats import median']);
    assert.equal(plan.importsAt, file.indexOf('\n\n\ndef') + 1);
    assert.ok(plan.body.startsWith('def test_median'));
  });

  it('Java and Go: exact repeats dropped, new lines kept', () => {
    const java = 'package com.acme;\n\nimport org.junit.jupiter.api.Test;\n\nclass MathTest {\n}\n';
    const plan = planAppend(java, 'import org.junit.jupiter.api.Test;\nimport static org.junit.jupiter.api.Assertions.assertEquals;\n\nclass MedianTest {\n}\n', 'java');
    assert.deepEqual(plan.imports, ['import static org.junit.jupiter.api.Assertions.assertEquals;']);
    assert.ok(plan.body.startsWith('class MedianTest'));
  });

  it('leaves the block alone when the file has no imports, the block starts with code, or the language is unknown', () => {
    const block = "import { x } from 'y';\nit('a', () => {});\n";
    assert.deepEqual(planAppend("it('b', () => {});\n", block, 'typescript'), { imports: [], importsAt: 0, body: block });
    const code = "describe('a', () => {});\nimport { x } from 'y';\n";
    assert.equal(planAppend(tsFile, code, 'typescript').body, code);
    assert.equal(planAppend(tsFile, block, 'plaintext').body, block);
    // Rust's test module brings its own `use` inside the module: nothing to move
    const rust = '#[cfg(test)]\nmod tests {\n    use super::*;\n}\n';
    assert.equal(planAppend('use std::fmt;\n\nfn main() {}\n', rust, 'rust').body, rust);
  });

  it('keeps a comment that came before the imports, and handles CRLF files', () => {
    const file = tsFile.replace(/\n/g, '\r\n');
    const plan = planAppend(file, "// median\r\nimport { median } from '../src/math';\r\n\r\nit('m', () => {});\r\n", 'typescript');
    assert.deepEqual(plan.imports, ["import { median } from '../src/math';"]);
    assert.equal(file.slice(plan.importsAt - 2, plan.importsAt), '\r\n');
    assert.equal(plan.body, "// median\r\n\r\nit('m', () => {});\r\n");
  });
});
