import * as assert from 'node:assert/strict';
import { extractReplacement } from '../../../src/edits/extract';
import {
  type CodeContext,
  documentPrompt,
  ExcludedFileError,
  explainPrompt,
  fixPrompt,
  generateTestsPrompt,
  inlineEditPrompt,
  refactorPrompt,
} from '../../../src/prompts/actions';
import { chatSystemPrompt } from '../../../src/prompts/chat';
import { completionMessages, FIM_STOP, fimPrompt } from '../../../src/prompts/completion';
import { estimateTokens } from '../../../src/prompts/tokens';
import type { ChatMessage } from '../../../src/qwen/types';

const ctx: CodeContext = {
  path: 'src/cart.ts',
  languageId: 'typescript',
  selection: 'export function total(items: Item[]): number {\n  let t = 0;\n  for (const i of items) t += i.price;\n  return t;\n}\n',
  startLine: 11,
  before: "import { Item } from './item';\n\n// Totals for the cart page.\n",
  after: '\nexport function count(items: Item[]): number {\n  return items.length;\n}\n',
};

const text = (m: ChatMessage) => (typeof m.content === 'string' ? m.content : '');
const user = (ms: ChatMessage[]) => text(ms[ms.length - 1]);

function checkEditShape(ms: ChatMessage[]) {
  assert.equal(ms[0].role, 'system');
  assert.equal(ms.filter((m) => m.role === 'system').length, 1, 'one system message, first');
  assert.match(text(ms[0]), /exactly one fenced code block/);
  const u = text(ms[1]);
  assert.match(u, /File: `src\/cart\.ts` \(typescript\), lines 12-16\./);
  assert.ok(u.includes('```ts\n' + ctx.selection + '```'), 'the selection, fenced and tagged');
  assert.match(u, /Above the selection \(context only, do not return it\):\n```ts\nimport \{ Item \}/);
  assert.match(u, /Below the selection \(context only, do not return it\):/);
}

describe('prompts/actions: edit prompts', () => {
  it('refactor without instruction: a general, behaviour-preserving refactor', () => {
    const ms = refactorPrompt(ctx);
    checkEditShape(ms);
    assert.match(user(ms), /Keep its behaviour and its public interface/);
    assert.match(user(ms), /Answer with one ```ts block containing the full replacement for the selection\.$/);
  });

  it('refactor with the user\'s instruction', () => {
    assert.match(user(refactorPrompt(ctx, '  use reduce ')), /refactor the selection as follows: use reduce\n/);
  });

  it('fix: lists the diagnostics with 1-based lines and the offending code', () => {
    const ms = fixPrompt(ctx, [{ message: "Type 'string' is not assignable\nto type 'number'.", severity: 'error', line: 13, character: 29, source: 'ts', code: 2322 }]);
    checkEditShape(ms);
    assert.ok(user(ms).includes("- line 14:30 (error, ts 2322): Type 'string' is not assignable to type 'number'. (at `for (const i of items) t += i.price;`)"));
  });

  it('document: the language\'s doc-comment convention, code untouched', () => {
    assert.match(user(documentPrompt(ctx)), /TSDoc\/JSDoc `\/\*\* \.\.\. \*\/`/);
    assert.match(user(documentPrompt({ ...ctx, languageId: 'python', path: 'a.py' })), /PEP 257 docstrings/);
    assert.match(user(documentPrompt({ ...ctx, languageId: 'go', path: 'a.go' })), /starting with the declared name/);
    assert.match(user(documentPrompt(ctx)), /every code line stays exactly as it is/);
  });

  it('uses a longer fence when the code itself contains ```', () => {
    const md: CodeContext = { ...ctx, selection: 'const help = `\n```sh\nrun\n```\n`;\n', before: '', after: '' };
    const u = user(refactorPrompt(md));
    assert.ok(u.includes('````ts\nconst help'), u);
    // What the model echoes in that style is extracted whole.
    const r = extractReplacement('````ts\n' + md.selection + '````', { original: md.selection, languageId: 'typescript' });
    assert.ok(r.ok && r.code === md.selection);
  });

  it('shrinks the context to the budget, keeping the selection and the nearest lines', () => {
    const big = Array.from({ length: 3000 }, (_, i) => `const v${i} = ${i};`).join('\n') + '\n';
    const ms = refactorPrompt({ ...ctx, before: big, after: big }, '', { budgetTokens: 2000 });
    const total = ms.reduce((n, m) => n + estimateTokens(text(m)), 0);
    assert.ok(total <= 2000, String(total));
    assert.ok(user(ms).includes(ctx.selection));
    assert.ok(user(ms).includes('const v2999 = 2999;\n```\n\nThe selection'), 'the line right above the selection survives');
  });

  it('refuses a file matching the exclude patterns, and leaves out excluded related files', () => {
    assert.throws(() => refactorPrompt({ ...ctx, path: 'config/.env.local' }), ExcludedFileError);
    assert.throws(() => explainPrompt({ ...ctx, path: 'keys/server.pem' }), ExcludedFileError);
    const ms = refactorPrompt({ ...ctx, related: [{ path: '.env', text: 'TOKEN=secret' }, { path: 'src/item.ts', text: 'export interface Item { price: number }' }] });
    assert.ok(!user(ms).includes('TOKEN=secret'));
    assert.ok(user(ms).includes('Related file `src/item.ts`'));
  });
});

describe('prompts/actions: inline edit and refinement', () => {
  it('asks to rewrite the selection following the instruction', () => {
    const ms = inlineEditPrompt(ctx, 'make it generic');
    checkEditShape(ms);
    assert.match(user(ms), /following this instruction: make it generic/);
  });

  it('"try again with…" keeps the original selection and instruction, shows the previous answer, asks again', () => {
    const first = '```ts\nexport function total<T>(items: T[]): number { return 0; }\n```';
    const ms = inlineEditPrompt(ctx, 'and keep the loop', [{ instruction: 'make it generic', answer: first }]);
    assert.deepEqual(ms.map((m) => m.role), ['system', 'user', 'assistant', 'user']);
    assert.ok(text(ms[1]).includes(ctx.selection));
    assert.match(text(ms[1]), /make it generic/);
    assert.equal(text(ms[2]), first);
    assert.match(text(ms[3]), /also: and keep the loop/);
    assert.match(text(ms[3]), /Start again from the original selection/);
  });
});

describe('prompts/actions: tests, explain, chat, completion', () => {
  it('generate tests in a new file: names the file, the framework, one block', () => {
    const { messages, mode } = generateTestsPrompt(ctx, { path: 'src/cart.test.ts', placement: 'file', isTestFile: false });
    assert.equal(mode, 'new-file');
    assert.match(user(messages), /complete test file `src\/cart\.test\.ts`/);
    assert.match(user(messages), /Vitest/);
  });

  it('generate tests into an existing file: the whole file comes back with every line kept, or only an appendix when it is too big', () => {
    const existing = "import { describe, it, expect } from 'vitest';\n\ndescribe('count', () => {\n  it('counts', () => expect(1).toBe(1));\n});\n";
    const t = generateTestsPrompt(ctx, { path: 'src/cart.test.ts', placement: 'file', isTestFile: false, existing });
    assert.equal(t.mode, 'whole-file');
    assert.ok(user(t.messages).includes(existing.trimEnd()));
    assert.match(user(t.messages), /Keep every existing line unchanged/);
    const huge = existing + 'it("x", () => {});\n'.repeat(5000);
    const t2 = generateTestsPrompt(ctx, { path: 'src/cart.test.ts', placement: 'file', isTestFile: false, existing: huge }, { budgetTokens: 4000 });
    assert.equal(t2.mode, 'append');
    assert.match(user(t2.messages), /only the code to append/);
    assert.ok(user(t2.messages).includes("import { describe, it, expect } from 'vitest';"), 'shows the imports at the top');
  });

  it('Rust tests go in an inline module appended to the source', () => {
    const r = generateTestsPrompt({ ...ctx, path: 'src/lib.rs', languageId: 'rust' }, { path: 'src/lib.rs', placement: 'inline', isTestFile: false, existing: 'pub fn a() {}\n' });
    assert.equal(r.mode, 'append');
    assert.match(user(r.messages), /#\[cfg\(test\)\] mod tests/);
  });

  it('explain: Markdown prose in the UI language', () => {
    const ms = explainPrompt(ctx, { locale: 'zh-cn' });
    assert.match(text(ms[0]), /Simplified Chinese/);
    assert.match(user(ms), /Explain what this code does/);
    assert.doesNotMatch(text(explainPrompt(ctx, { locale: 'en' })[0]), /Chinese/);
  });

  it('chat system prompt: one system message with the context it is given', () => {
    const m = chatSystemPrompt({ locale: 'zh-cn', workspaceName: 'shop', activeFile: { path: 'src/cart.ts', languageId: 'typescript' }, customInstructions: 'Prefer functional style.' });
    assert.equal(m.role, 'system');
    assert.match(text(m), /Qwen Coder/);
    assert.match(text(m), /"shop"/);
    assert.match(text(m), /`src\/cart\.ts` \(typescript\)/);
    assert.match(text(m), /Prefer functional style\.$/);
  });

  it('FIM: prefix, suffix and middle tokens, trimmed around the cursor, stop on special tokens', () => {
    const prefix = Array.from({ length: 2000 }, (_, i) => `let a${i} = ${i};`).join('\n') + '\nconst total = ';
    const suffix = ';\n' + Array.from({ length: 2000 }, (_, i) => `let b${i} = ${i};`).join('\n');
    const f = fimPrompt({ prefix, suffix, path: 'src/a.ts' }, { budgetTokens: 1000 })!;
    assert.ok(f.prompt.startsWith('<|fim_prefix|>'));
    assert.ok(f.prompt.includes('\nconst total = <|fim_suffix|>;\nlet b0 = 0;'));
    assert.ok(f.prompt.endsWith('<|fim_middle|>'));
    assert.ok(estimateTokens(f.prompt) <= 1000 + 20);
    assert.deepEqual(f.stop, [...FIM_STOP]);
    assert.equal(fimPrompt({ prefix: 'A=', suffix: '', path: '.env' }), null);
  });

  it('completion as chat: the file with a cursor marker, answer only the insertion', () => {
    const ms = completionMessages({ prefix: 'def f(x):\n    return ', suffix: '\n', path: 'a.py', languageId: 'python' })!;
    assert.equal(ms[0].role, 'system');
    assert.equal(text(ms[1]), 'File: a.py (python)\ndef f(x):\n    return <|cursor|>\n');
    assert.equal(completionMessages({ prefix: '', suffix: '', path: 'id_rsa' }), null);
  });
});
