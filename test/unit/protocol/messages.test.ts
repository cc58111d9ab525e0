import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, createNonce, renderWebviewHtml } from '../../../src/protocol/html';
import {
  parseHostMessage,
  parseWebviewMessage,
  type HostToWebview,
  type ViewState,
  type WebviewToHost,
} from '../../../src/protocol/messages';

const state: ViewState = {
  conversationId: 'c1',
  conversations: [{ id: 'c1', title: 'Fix the parser', updatedAt: 1_700_000_000_000, turnCount: 1 }],
  turns: [
    {
      id: 't1',
      question: '为什么这里会溢出？',
      context: [{ id: 'sel', kind: 'selection', label: 'parser.ts:10-20' }],
      parts: [{ kind: 'text', text: 'Because `i` is never checked.' }],
      status: 'done',
      usage: { promptTokens: 1200, completionTokens: 80, totalTokens: 1280, cachedTokens: 1024 },
      costUsd: 0.0012,
      finishReason: 'stop',
    },
  ],
  models: [{ id: 'qwen3-coder-plus', label: 'Qwen3 Coder Plus' }],
  model: 'qwen3-coder-plus',
  thinking: { capability: 'optional', enabled: true, budget: 4096, maxBudget: 38912 },
  context: [{ id: 'file', kind: 'file', label: 'parser.ts', detail: 'src/parser.ts' }],
  streaming: false,
  mode: 'ask',
  needsApiKey: false,
};

describe('protocol: host -> webview', () => {
  const valid: HostToWebview[] = [
    { type: 'init', locale: 'zh-cn', state },
    { type: 'state', state },
    { type: 'conversations', conversations: state.conversations },
    { type: 'models', models: state.models, model: 'qwen-max' },
    { type: 'thinking', thinking: { capability: 'none', enabled: false, budget: null, maxBudget: null } },
    { type: 'context', chips: [] },
    { type: 'turnStart', turn: { id: 't2', question: 'hi', context: [], parts: [], status: 'streaming' } },
    {
      type: 'turnStart',
      turn: {
        id: 't3',
        question: 'fix the test',
        context: [],
        parts: [
          { kind: 'reasoning', text: '先读测试。' },
          { kind: 'text', text: 'Reading it.' },
          { kind: 'toolCall', id: 'call_1', name: 'readFile', args: '{"path":"src/a.ts"}', status: 'done', result: 'export const a = 1;' },
          { kind: 'toolCall', id: 'call_2', name: 'runTests', args: '{}', status: 'denied' },
          { kind: 'text', text: 'Done.' },
        ],
        status: 'streaming',
      },
    },
    { type: 'delta', turnId: 't2', text: 'Hel' },
    { type: 'delta', turnId: 't2', reasoning: '想一想' },
    { type: 'turnEnd', turnId: 't2', finishReason: 'length', usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 }, costUsd: null },
    { type: 'turnError', turnId: 't2', error: { message: 'The provider refused the request.', actions: ['removeFlagged', 'retry'] } },
    { type: 'historyTrimmed', turnId: 't2', droppedTurns: 3 },
    { type: 'ask', requestId: 'r1', question: { kind: 'largeContext', tokens: 180_000, costUsd: 0.36, contextWindow: 262_144 } },
    { type: 'ask', requestId: 'r2', question: { kind: 'largeContext', tokens: 90_000, costUsd: null } },
    { type: 'mentionCandidates', requestId: 'm1', items: [{ id: 'f:src/a.ts', kind: 'file', label: 'a.ts', detail: 'src/a.ts' }] },
    { type: 'focusInput' },
    { type: 'notice', text: 'Copied', kind: 'info' },
  ];

  for (const message of valid) {
    it(`accepts a valid '${message.type}'`, () => {
      const parsed = parseHostMessage(message);
      assert.equal(parsed.reason, undefined);
      assert.equal(parsed.message?.type, message.type);
    });
  }

  it('keeps the text of a delta exactly, Chinese and all', () => {
    const text = '第一段：`const x = 1;`\n\n```ts\nlet y = "引号";\n```\n';
    const parsed = parseHostMessage({ type: 'delta', turnId: 't', text });
    assert.equal(parsed.message?.type === 'delta' && parsed.message.text, text);
  });

  it('fills defaults a host may omit', () => {
    const parsed = parseHostMessage({ type: 'turnStart', turn: { id: 't', question: 'q', status: 'streaming' } });
    assert.ok(parsed.message?.type === 'turnStart');
    assert.deepEqual(parsed.message.turn.parts, []);
    assert.deepEqual(parsed.message.turn.context, []);
    const notice = parseHostMessage({ type: 'notice', text: 'Saved' });
    assert.equal(notice.message?.type === 'notice' && notice.message.kind, 'info');
  });

  const invalid: [string, unknown][] = [
    ['not an object', 'delta'],
    ['null', null],
    ['no type', { turnId: 't', text: 'x' }],
    ['unknown type', { type: 'eval', code: 'alert(1)' }],
    ['delta without turnId', { type: 'delta', text: 'x' }],
    ['delta with neither text nor reasoning', { type: 'delta', turnId: 't' }],
    ['delta with a number as text', { type: 'delta', turnId: 't', text: 42 }],
    ['empty turn id', { type: 'delta', turnId: '', text: 'x' }],
    ['unknown locale', { type: 'init', locale: 'fr', state }],
    ['unknown error action', { type: 'turnError', turnId: 't', error: { message: 'x', actions: ['runShell'] } }],
    ['negative token count', { type: 'turnEnd', turnId: 't', finishReason: 'stop', usage: { promptTokens: -1, completionTokens: 0, totalTokens: 0 } }],
    ['turn with unknown status', { type: 'turnStart', turn: { id: 't', question: 'q', status: 'thinking' } }],
    ['zero dropped turns', { type: 'historyTrimmed', turnId: 't', droppedTurns: 0 }],
    ['context chip of unknown kind', { type: 'context', chips: [{ id: 'x', kind: 'url', label: 'x' }] }],
    ['turn part of unknown kind', { type: 'turnStart', turn: { id: 't', question: 'q', status: 'streaming', parts: [{ kind: 'image', text: 'x' }] } }],
    ['text part with a number', { type: 'turnStart', turn: { id: 't', question: 'q', status: 'streaming', parts: [{ kind: 'text', text: 42 }] } }],
    ['tool call of unknown status', { type: 'turnStart', turn: { id: 't', question: 'q', status: 'streaming', parts: [{ kind: 'toolCall', id: 'c', name: 'x', args: '{}', status: 'maybe' }] } }],
    ['tool call without a name', { type: 'turnStart', turn: { id: 't', question: 'q', status: 'streaming', parts: [{ kind: 'toolCall', id: 'c', name: '', args: '{}', status: 'done' }] } }],
    ['question of unknown kind', { type: 'ask', requestId: 'r', question: { kind: 'runShell', command: 'rm -rf /' } }],
    ['large-context question without tokens', { type: 'ask', requestId: 'r', question: { kind: 'largeContext', costUsd: null } }],
  ];

  for (const [name, data] of invalid) {
    it(`rejects ${name}, with a reason`, () => {
      const parsed = parseHostMessage(data);
      assert.equal(parsed.message, undefined);
      assert.ok(parsed.reason && parsed.reason.length > 0);
    });
  }

  it('names the message type and the field in its reason', () => {
    const parsed = parseHostMessage({ type: 'delta', turnId: 't', text: 42 });
    assert.match(parsed.reason!, /'delta'/);
    assert.match(parsed.reason!, /text/);
  });
});

describe('protocol: webview -> host', () => {
  const valid: WebviewToHost[] = [
    { type: 'ready' },
    { type: 'send', text: 'Explain this', contextIds: ['sel', 'file'] },
    { type: 'stop' },
    { type: 'newChat' },
    { type: 'openConversation', id: 'c1' },
    { type: 'deleteConversation', id: 'c1' },
    { type: 'regenerate', turnId: 't1' },
    { type: 'editAndResend', turnId: 't1', text: 'Explain that' },
    { type: 'continue', turnId: 't1' },
    { type: 'copyConversation' },
    { type: 'codeAction', action: 'apply', code: 'x = 1\n', language: 'python' },
    { type: 'selectModel', model: 'qwen3-coder-flash' },
    { type: 'setThinking', enabled: false, budget: null },
    { type: 'removeContext', id: 'sel' },
    { type: 'requestMentions', requestId: 'm1', query: 'pars' },
    { type: 'addMention', id: 'f:src/parser.ts', kind: 'file' },
    { type: 'errorAction', turnId: 't1', action: 'setApiKey' },
    { type: 'errorAction', action: 'setApiKey' },
    { type: 'answer', requestId: 'r1', answer: { kind: 'largeContext', send: true } },
    { type: 'answer', requestId: 'r2', answer: { kind: 'largeContext', send: false } },
    { type: 'openLink', href: 'https://qwenlm.github.io/' },
    { type: 'log', level: 'warn', message: 'invalid message dropped' },
  ];

  for (const message of valid) {
    it(`accepts a valid '${message.type}'`, () => {
      const parsed = parseWebviewMessage(message);
      assert.equal(parsed.reason, undefined);
      assert.deepEqual(parsed.message, message);
    });
  }

  const invalid: [string, unknown][] = [
    ['an empty question', { type: 'send', text: '', contextIds: [] }],
    ['send without context ids', { type: 'send', text: 'hi' }],
    ['a javascript: link', { type: 'openLink', href: 'javascript:alert(1)' }],
    ['a file: link', { type: 'openLink', href: 'file:///etc/passwd' }],
    ['an unknown code action', { type: 'codeAction', action: 'run', code: 'rm -rf /', language: 'sh' }],
    ['thinking budget of zero', { type: 'setThinking', enabled: true, budget: 0 }],
    ['a host message sent the wrong way', { type: 'delta', turnId: 't', text: 'x' }],
    ['a mention of an unknown kind', { type: 'addMention', id: 'x', kind: 'url' }],
    ['an answer of unknown kind', { type: 'answer', requestId: 'r1', answer: { kind: 'runShell', ok: true } }],
    ['an answer that says neither yes nor no', { type: 'answer', requestId: 'r1', answer: { kind: 'largeContext' } }],
  ];

  for (const [name, data] of invalid) {
    it(`rejects ${name}`, () => {
      const parsed = parseWebviewMessage(data);
      assert.equal(parsed.message, undefined);
      assert.ok(parsed.reason);
    });
  }
});

describe('protocol: webview page', () => {
  const nonce = createNonce();
  const html = renderWebviewHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce,
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/dist/webview.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/dist/webview-style.css',
    codiconsUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/codicon.css',
    locale: 'zh-cn',
  });

  it('makes a fresh, long nonce each time', () => {
    assert.match(nonce, /^[A-Za-z0-9_-]{32}$/);
    assert.notEqual(createNonce(), nonce);
  });

  it('allows only the nonce-bearing script and nothing remote', () => {
    const csp = contentSecurityPolicy('https://x.vscode-cdn.net', 'abc');
    const directives = new Map(csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values.join(' ')] as const;
    }));
    assert.equal(directives.get('default-src'), "'none'");
    assert.equal(directives.get('script-src'), "'nonce-abc'");
    assert.equal(directives.get('style-src'), 'https://x.vscode-cdn.net');
    assert.equal(directives.get('img-src'), 'https://x.vscode-cdn.net data:');
    assert.equal(directives.get('form-action'), "'none'");
    assert.equal(directives.get('base-uri'), "'none'");
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  });

  it('puts the policy in the page and the nonce on its only script', () => {
    assert.match(html, new RegExp(`<meta http-equiv="Content-Security-Policy" content="[^"]*script-src 'nonce-${nonce}'`));
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]!, new RegExp(`nonce="${nonce}"`));
    assert.match(html, /<html lang="zh-CN">/);
    assert.doesNotMatch(html, /<style|style=/);
  });

  it('refuses a weak nonce or a cspSource that could inject directives', () => {
    const base = { cspSource: 'https://x', nonce, scriptUri: 'a', styleUri: 'b', codiconsUri: 'c', locale: 'en' as const };
    assert.throws(() => renderWebviewHtml({ ...base, nonce: 'abc' }));
    assert.throws(() => renderWebviewHtml({ ...base, cspSource: "https://x; script-src 'unsafe-inline'" }));
  });

  it('escapes URIs in attributes', () => {
    const page = renderWebviewHtml({ cspSource: 'https://x', nonce, scriptUri: 'https://x/a.js?"><script>', styleUri: 'b', codiconsUri: 'c', locale: 'en' });
    assert.equal((page.match(/<script\b/g) ?? []).length, 1);
  });
});
