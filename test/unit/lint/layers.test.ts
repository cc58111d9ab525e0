// The layering rules (test/lint/layers.cjs) catch what they say they catch: each violation is
// planted in a small tree and dependency-cruiser, run as `npm test` runs it, must name it; a
// type-only cycle and the allowed imports pass. Then src/ itself must be clean.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const repo = join(__dirname, '../../../..');
const cli = join(repo, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const config = join(repo, 'test', 'lint', 'layers.cjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

function cruise(cwd: string): Violation[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [cli, 'src', '--config', config, '--output-type', 'json'], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    // it exits non-zero when it finds violations; the report is still on stdout
    out = String((e as { stdout?: string }).stdout ?? '');
  }
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('lint: the layering rules', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'qwen-layers-'));
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node', strict: true, types: ['node', 'vscode'] } }),
      'src/constants.ts': 'export const NAME = "qwen";\n',
      'src/services.ts': 'export const services = 1;\n',
      'src/qwen/usesVscode.ts': "import * as vscode from 'vscode';\nexport const a = vscode;\n",
      'src/qwen/typesOfVscode.ts': "import type { Uri } from 'vscode';\nexport type U = Uri;\n",
      'src/qwen/reachesUp.ts': "import { services } from '../services';\nimport { NAME } from '../constants';\nexport const b = [services, NAME];\n",
      'src/edits/intoChat.ts': "import { x } from '../chat/x';\nexport const e = x;\n",
      'src/turns/runsInVscode.ts': "import * as vscode from 'vscode';\nimport { x } from '../chat/x';\nexport const r = [vscode, x];\n",
      'src/policy/vscode/gate.ts': "import * as vscode from 'vscode';\nimport { x } from '../../chat/x';\nexport const g = [vscode, x];\n",
      // lm/ is pure and lm/vscode/ its glue: the glue may use vscode, the pure part may not reach it
      'src/lm/vscode/glue.ts': "import * as vscode from 'vscode';\nexport const lv = vscode;\n",
      'src/lm/intoGlue.ts': "import { lv } from './vscode/glue';\nexport const li = lv;\n",
      'src/chat/x.ts': "import { c } from '../commands/c';\nexport const x = c;\n",
      'src/commands/c.ts': 'export const c = 1;\n',
      'src/core.ts': "import { c } from './commands/c';\nexport const core = c;\n",
      'src/webview/usesNode.ts': "import { readFileSync } from 'node:fs';\nexport const w = readFileSync;\n",
      'src/webview/usesHost.ts': "import { x } from '../chat/x';\nexport const h = x;\n",
      'src/webview/usesProtocol.ts': "import { p } from '../protocol/p';\nexport const ok = p;\n",
      'src/protocol/p.ts': 'export const p = 1;\n',
      'src/editor/p.ts': "import { q } from './q';\nexport const p = q;\n",
      'src/editor/q.ts': "import { p } from './p';\nexport const q = () => p;\n",
      'src/editor/typeA.ts': "import type { B } from './typeB';\nexport type A = B[];\n",
      'src/editor/typeB.ts': "import type { A } from './typeA';\nexport type B = A | 1;\n",
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    // as in the repository, `vscode` resolves to @types/vscode's declaration file
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names every planted violation, and nothing allowed', () => {
    const found = cruise(dir)
      .map((v) => `${v.rule.name}: ${v.from} -> ${v.to.replace(/^.*node_modules\/@types\/vscode\/.*$/, 'vscode')}`)
      .sort();
    assert.deepEqual(found, [
      'imports-commands: src/chat/x.ts -> src/commands/c.ts',
      'pure-imports-glue: src/edits/intoChat.ts -> src/chat/x.ts',
      'pure-imports-glue: src/lm/intoGlue.ts -> src/lm/vscode/glue.ts',
      'pure-imports-glue: src/qwen/reachesUp.ts -> src/services.ts',
      'pure-imports-glue: src/turns/runsInVscode.ts -> src/chat/x.ts',
      'pure-imports-vscode: src/qwen/typesOfVscode.ts -> vscode',
      'pure-imports-vscode: src/qwen/usesVscode.ts -> vscode',
      'pure-imports-vscode: src/turns/runsInVscode.ts -> vscode',
      'runtime-cycle: src/editor/p.ts -> src/editor/q.ts',
      'webview-imports-beyond-protocol: src/webview/usesHost.ts -> src/chat/x.ts',
      'webview-imports-beyond-protocol: src/webview/usesNode.ts -> fs',
      'webview-imports-node: src/webview/usesNode.ts -> fs',
    ]);
  });

  it('src/ keeps every rule', () => {
    assert.deepEqual(cruise(repo).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`), []);
  });
});
