// Refactor / Fix / Document / Generate Tests and the chat's Apply, in the real extension host
// against the fake server, asserting on the document's text: the proposal waits in a diff
// editor, Accept writes exactly it as one undo step, Reject leaves the bytes as they were, and
// what the user types while the answer streams is kept.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FakeQwen } from '../fake-qwen/server';
import { gatedReply as holdingReply } from '../fake-qwen/gatedReply';
import { activateQwen, endEditTest, openNewFile, setUserSetting, stopFakeQwen, stubWindow, useFakeQwen, waitFor } from './helpers';
import { MATH, MEAN_GUARDED, GUARD, GUARDED } from '../shared/mathPy';

interface HunkInfo {
  id: number;
  start: number;
  end: number;
  oldText: string;
  newText: string;
  showing: 'old' | 'new';
}
interface SessionInfo {
  uri: string;
  mode: 'diff' | 'inline' | 'newFile';
  phase: 'streaming' | 'pending';
  pending: HunkInfo[];
  proposalUri?: string;
  proposalText?: string;
  newFileTarget?: string;
}

const sessions = async () => (await vscode.commands.executeCommand<SessionInfo[]>('qwen.internal.pendingEdits')) ?? [];
const sessionFor = async (doc: vscode.TextDocument) => (await sessions()).find((s) => s.uri === doc.uri.toString());
const waitPending = (doc: vscode.TextDocument, timeoutMs = 10_000) =>
  waitFor('a pending edit', async () => {
    const s = await sessionFor(doc);
    return s && s.phase === 'pending' ? s : undefined;
  }, timeoutMs);

// Python: no language server starts for it, which keeps the suite light.

const fence = (code: string, lang = 'python') => `Here is the refactored code:\n\n\`\`\`${lang}\n${code}\n\`\`\`\n\nThe guard avoids dividing by zero.`;

/** Every message the extension shows, with the buttons it offered; a chosen button can be returned. */
function recordMessages(answer: (message: string, items: string[]) => string | undefined = () => undefined) {
  const shown: Array<{ kind: string; message: string; items: string[] }> = [];
  const stub = (kind: string) =>
    ((message: string, ...rest: unknown[]) => {
      const items = rest.filter((x): x is string => typeof x === 'string');
      shown.push({ kind, message, items });
      return Promise.resolve(answer(message, items));
    }) as never;
  const restore = [stubWindow('showInformationMessage', stub('info')), stubWindow('showWarningMessage', stub('warn')), stubWindow('showErrorMessage', stub('error'))];
  return { shown, texts: () => shown.map((s) => s.message), dispose: () => restore.forEach((r) => r()) };
}

describe('editor edits (diff mode)', function () {
  this.timeout(30_000);
  let server: FakeQwen;
  const cleanups: Array<() => unknown> = [];

  const openFile = (text: string, ext = 'py') => openNewFile('edits', text, ext);

  function reply(text: string, delay = 0): void {
    server.setScenario((ctx) => ctx.reply(text, delay ? { delay } : {}));
  }

  /** Streams `text`, holding the rest once the content sent includes `until`, until `release` (no race with the test). */
  const gatedReply = (text: string, until: string) => holdingReply(server, text, until);

  function input(answer: string | undefined): void {
    cleanups.push(stubWindow('showInputBox', (() => Promise.resolve(answer)) as never));
  }

  before(async () => {
    await activateQwen();
    server = await useFakeQwen();
  });

  after(async () => {
    await stopFakeQwen(server);
  });

  beforeEach(() => server.reset());

  afterEach(() => endEditTest(cleanups));

  it('Refactor, then Accept, gives exactly the proposal; one Undo restores the original', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    ed.selection = new vscode.Selection(4, 0, 8, 30);
    input('guard against an empty list');
    reply(fence(MEAN_GUARDED));
    await vscode.commands.executeCommand('qwen.refactorSelection');
    const s = await waitPending(doc);
    const expected = GUARDED;
    assert.equal(s.mode, 'diff');
    assert.equal(s.proposalText, expected, 'the diff shows the whole file with the proposal');
    assert.equal(doc.getText(), MATH, 'the document is untouched until Accept');
    assert.deepEqual(s.pending.map((h) => [h.oldText, h.newText]), [['', GUARD]]);

    const body = server.lastRequest()!.body as { messages: Array<{ role: string; content: string }> };
    const user = body.messages.at(-1)!.content;
    assert.ok(user.includes('guard against an empty list'), 'the instruction was sent');
    assert.ok(user.includes('        total += v'), 'with the selected code');
    assert.ok(user.includes('edits/case'), 'and its path');
    assert.match(body.messages[0]!.content, /exactly one fenced code block/);

    const diffTab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === s.proposalUri);
    assert.ok(diffTab, 'a diff editor shows the proposal');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), s.proposalUri, 'the diff is in front');

    await vscode.commands.executeCommand('qwen.acceptEdit');
    assert.equal(doc.getText(), expected);
    assert.equal(await sessionFor(doc), undefined, 'nothing is pending any more');
    await waitFor('the diff to close', () => !vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === s.proposalUri));

    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), MATH, 'one Undo restores the original');
  });

  it('Reject restores the original byte for byte (CRLF, tabs, trailing spaces, no final newline)', async () => {
    const original = 'def total(xs):\r\n\ts = 0   \r\n\tfor x in xs:\r\n\t\ts += x\r\n\treturn s';
    const ed = await openFile(original, 'py');
    const doc = ed.document;
    ed.selection = new vscode.Selection(0, 0, 4, 9);
    input('');
    reply(fence('def total(xs):\n    return sum(xs)', 'python'));
    await vscode.commands.executeCommand('qwen.refactorSelection');
    const s = await waitPending(doc);
    assert.equal(s.proposalText, 'def total(xs):\r\n\treturn sum(xs)', 'the proposal follows the file: CRLF, tabs, no final newline');
    await vscode.commands.executeCommand('qwen.rejectEdit');
    assert.equal(await sessionFor(doc), undefined);
    assert.equal(doc.getText(), original);
    assert.equal(doc.isDirty, false, 'Reject wrote nothing');
  });

  it('what the user types while the answer streams is kept, and the proposal lands at the right place', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    ed.selection = new vscode.Selection(4, 0, 8, 30);
    input('');
    const gate = gatedReply(fence(MEAN_GUARDED), 'if not');
    const done = vscode.commands.executeCommand('qwen.refactorSelection');
    await gate.reached;
    // Above the region, inside it on a line the proposal keeps, and below it.
    const e1 = new vscode.WorkspaceEdit();
    e1.insert(doc.uri, new vscode.Position(0, 0), '# header\n');
    assert.ok(await vscode.workspace.applyEdit(e1));
    const e2 = new vscode.WorkspaceEdit();
    e2.replace(doc.uri, new vscode.Range(9, 23, 9, 29), 'xs');
    assert.ok(await vscode.workspace.applyEdit(e2));
    const e3 = new vscode.WorkspaceEdit();
    e3.insert(doc.uri, new vscode.Position(doc.lineCount - 1, 0), '# footer\n');
    assert.ok(await vscode.workspace.applyEdit(e3));
    assert.equal((await sessionFor(doc))?.phase, 'streaming', 'the edits happened while it streamed');
    gate.release();
    await done;
    await waitPending(doc);
    await vscode.commands.executeCommand('qwen.acceptEdit', doc.uri.toString());
    const expected = '# header\n' + GUARDED.replace('total / len(values)', 'total / len(xs)') + '# footer\n';
    assert.equal(doc.getText(), expected);
  });

  it('a proposed change that overlaps the user\'s edit is refused with a message; the others apply', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    ed.selection = new vscode.Selection(0, 0, 8, 30);
    input('');
    const proposal = MATH.replace('return a + b', 'return b + a').replace('return total / len(values)', 'return total / len(values) if values else 0').trimEnd();
    const gate = gatedReply(fence(proposal), 'def add');
    const msgs = recordMessages();
    cleanups.push(msgs.dispose);
    const done = vscode.commands.executeCommand('qwen.refactorSelection');
    await gate.reached;
    const e = new vscode.WorkspaceEdit();
    e.replace(doc.uri, new vscode.Range(1, 11, 1, 16), 'a - b');
    assert.ok(await vscode.workspace.applyEdit(e));
    gate.release();
    await done;
    const s = await waitPending(doc);
    assert.equal(s.pending.length, 1, 'only the change the user did not touch is proposed');
    assert.ok(msgs.texts().some((m) => /1 of the changes Qwen proposed overlap your edits/.test(m)), msgs.texts().join(' | '));
    await vscode.commands.executeCommand('qwen.acceptEdit', doc.uri.toString());
    assert.equal(doc.getText(), MATH.replace('return a + b', 'return a - b').replace('return total / len(values)', 'return total / len(values) if values else 0'));
  });

  it('typing over a pending change drops that change and keeps the typing', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    ed.selection = new vscode.Selection(4, 0, 8, 30);
    input('');
    reply(fence(MEAN_GUARDED));
    const msgs = recordMessages();
    cleanups.push(msgs.dispose);
    await vscode.commands.executeCommand('qwen.refactorSelection');
    await waitPending(doc);
    const e = new vscode.WorkspaceEdit();
    e.insert(doc.uri, new vscode.Position(5, 0), '    # mine\n');
    assert.ok(await vscode.workspace.applyEdit(e));
    await waitFor('the session to end', async () => ((await sessionFor(doc)) ? undefined : true));
    assert.equal(doc.getText(), MATH.replace('    total = 0', '    # mine\n    total = 0'));
    assert.ok(msgs.texts().some((m) => /overlap your edits and were dropped/.test(m)));
  });

  it('Stop Generating stops the request; nothing changes', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    ed.selection = new vscode.Selection(4, 0, 8, 30);
    input('');
    const gate = gatedReply(fence(MEAN_GUARDED), 'if not');
    const msgs = recordMessages();
    cleanups.push(msgs.dispose);
    const done = vscode.commands.executeCommand('qwen.refactorSelection');
    const rec = await server.waitForRequest();
    await gate.reached;
    await vscode.commands.executeCommand('qwen.stop');
    await done;
    const closedBy = await server.waitForClose(rec);
    gate.release();
    assert.equal(closedBy, 'client', 'the client closed the connection');
    assert.equal(await sessionFor(doc), undefined);
    assert.equal(doc.getText(), MATH);
    assert.ok(msgs.texts().includes('Stopped: nothing was changed.'), msgs.texts().join(' | '));
  });

  it('a new request on a document with a pending edit asks first', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    ed.selection = new vscode.Selection(4, 0, 8, 30);
    input('');
    reply(fence(MEAN_GUARDED));
    await vscode.commands.executeCommand('qwen.refactorSelection');
    const first = await waitPending(doc);
    let answer: string | undefined;
    const msgs = recordMessages((_m, items) => (answer && items.includes(answer) ? answer : undefined));
    cleanups.push(msgs.dispose);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('qwen.refactorSelection');
    assert.ok(msgs.texts().some((m) => /already has a pending Qwen edit/.test(m)), 'it asked');
    assert.equal(server.requests.length, 1, 'declined: nothing was sent');
    assert.equal((await sessionFor(doc))?.proposalUri, first.proposalUri, 'the first proposal is still pending');
    answer = 'Reject and Continue';
    await vscode.window.showTextDocument(doc);
    reply(fence(MEAN_GUARDED.replace('return 0', 'return None')));
    await vscode.commands.executeCommand('qwen.refactorSelection');
    const second = await waitPending(doc);
    assert.equal(server.requests.length, 2);
    assert.notEqual(second.proposalUri, first.proposalUri);
    assert.ok(second.proposalText!.includes('return None'));
    assert.equal(doc.getText(), MATH);
  });

  it('an error is a notification with its buttons (Set API Key), and nothing changes', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    ed.selection = new vscode.Selection(4, 0, 8, 30);
    input('');
    server.setScenario('error-401');
    const msgs = recordMessages();
    cleanups.push(msgs.dispose);
    await vscode.commands.executeCommand('qwen.refactorSelection');
    const err = await waitFor('the error', () => msgs.shown.find((m) => m.kind === 'error'));
    assert.ok(err.items.includes('Set API Key'), `buttons: ${err.items.join(', ')}`);
    assert.ok(err.message.length > 10);
    assert.equal(await sessionFor(doc), undefined);
    assert.equal(doc.getText(), MATH);
  });

  it('a missing key: a notification whose button runs Set API Key, and nothing is sent', async () => {
    await setUserSetting('qwen.provider', 'maxtoken');
    cleanups.push(() => setUserSetting('qwen.provider', 'custom'));
    const ed = await openFile(MATH);
    ed.selection = new vscode.Selection(4, 0, 8, 30);
    input('');
    const msgs = recordMessages();
    cleanups.push(msgs.dispose);
    await vscode.commands.executeCommand('qwen.refactorSelection');
    const shown = await waitFor('the notification', () => msgs.shown.find((m) => m.items.includes('Set API Key')));
    assert.match(shown.message, /No API key/);
    assert.equal(server.requests.length, 0, 'nothing was sent');
    assert.equal(ed.document.getText(), MATH);
    assert.deepEqual(await sessions(), []);
  });

  it('a file renamed while the answer streams is handled with a message, not an exception', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    ed.selection = new vscode.Selection(4, 0, 8, 30);
    input('');
    const gate = gatedReply(fence(MEAN_GUARDED), 'if not');
    const msgs = recordMessages();
    cleanups.push(msgs.dispose);
    const done = vscode.commands.executeCommand('qwen.refactorSelection');
    await gate.reached;
    const renamed = vscode.Uri.joinPath(doc.uri, '..', 'renamed.py');
    const e = new vscode.WorkspaceEdit();
    e.renameFile(doc.uri, renamed, { overwrite: true });
    assert.ok(await vscode.workspace.applyEdit(e));
    gate.release();
    await done;
    assert.ok(msgs.texts().some((m) => /was renamed, so its Qwen edit was dropped/.test(m)), msgs.texts().join(' | '));
    assert.deepEqual(await sessions(), []);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(renamed));
    assert.equal(text, MATH);
  });

  it('a file deleted while the answer streams is handled with a message', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    ed.selection = new vscode.Selection(4, 0, 8, 30);
    input('');
    const gate = gatedReply(fence(MEAN_GUARDED), 'if not');
    const msgs = recordMessages();
    cleanups.push(msgs.dispose);
    const done = vscode.commands.executeCommand('qwen.refactorSelection');
    await gate.reached;
    const e = new vscode.WorkspaceEdit();
    e.deleteFile(doc.uri);
    assert.ok(await vscode.workspace.applyEdit(e));
    gate.release();
    await done;
    assert.ok(msgs.texts().some((m) => /was deleted, so its Qwen edit was dropped/.test(m)), msgs.texts().join(' | '));
    assert.deepEqual(await sessions(), []);
  });

  it('with no selection, acts on the enclosing function or else the current line (never on nothing)', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    ed.selection = new vscode.Selection(1, 6, 1, 6);
    input('');
    reply(fence('    return b + a'));
    await vscode.commands.executeCommand('qwen.refactorSelection');
    await waitPending(doc);
    const user = (server.lastRequest()!.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content;
    assert.match(user, /line 2\b/, 'the request is about the current line');
    await vscode.commands.executeCommand('qwen.acceptEdit');
    assert.equal(doc.getText(), MATH.replace('return a + b', 'return b + a'));
  });

  it('"Fix with Qwen" is a quick fix on a diagnostic; it sends the diagnostic and the fix applies', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    const diagnostics = vscode.languages.createDiagnosticCollection('qwen-test');
    cleanups.push(() => diagnostics.dispose());
    const range = new vscode.Range(8, 11, 8, 30);
    const d = new vscode.Diagnostic(range, 'ZeroDivisionError when values is empty', vscode.DiagnosticSeverity.Error);
    d.source = 'pylint';
    diagnostics.set(doc.uri, [d]);
    const actions = await waitFor('the quick fix', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, range, vscode.CodeActionKind.QuickFix.value);
      return all?.find((a) => a.title === 'Fix with Qwen') ? all : undefined;
    });
    const fix = actions.find((a) => a.title === 'Fix with Qwen')!;
    assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
    reply(fence('    return total / len(values) if values else 0'));
    await vscode.commands.executeCommand(fix.command!.command, ...(fix.command!.arguments ?? []));
    const s = await waitPending(doc);
    const user = (server.lastRequest()!.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content;
    assert.ok(user.includes('ZeroDivisionError when values is empty'), 'the diagnostic was sent');
    assert.ok(user.includes('pylint'), 'with its source');
    assert.equal(s.pending.length, 1);
    await vscode.commands.executeCommand('qwen.acceptEdit', doc.uri.toString());
    assert.equal(doc.getText(), MATH.replace('return total / len(values)', 'return total / len(values) if values else 0'));
  });

  it('Fix Selection from the palette sends the diagnostics in range', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    const diagnostics = vscode.languages.createDiagnosticCollection('qwen-test');
    cleanups.push(() => diagnostics.dispose());
    diagnostics.set(doc.uri, [new vscode.Diagnostic(new vscode.Range(1, 4, 1, 16), 'Use a - b here', vscode.DiagnosticSeverity.Warning), new vscode.Diagnostic(new vscode.Range(8, 4, 8, 10), 'outside the selection', vscode.DiagnosticSeverity.Error)]);
    ed.selection = new vscode.Selection(0, 0, 1, 16);
    reply(fence('def add(a, b):\n    return a - b'));
    await vscode.commands.executeCommand('qwen.fixSelection');
    await waitPending(doc);
    const user = (server.lastRequest()!.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content;
    assert.ok(user.includes('Use a - b here'));
    assert.ok(!user.includes('outside the selection'), 'only the diagnostics in range');
    await vscode.commands.executeCommand('qwen.acceptEdit', doc.uri.toString());
    assert.equal(doc.getText(), MATH.replace('return a + b', 'return a - b'));
  });

  it('Document Selection adds the doc comment', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    ed.selection = new vscode.Selection(0, 0, 1, 16);
    reply(fence('def add(a, b):\n    """Return the sum of a and b."""\n    return a + b'));
    await vscode.commands.executeCommand('qwen.documentSelection');
    await waitPending(doc);
    const body = server.lastRequest()!.body as { messages: Array<{ content: string }> };
    assert.match(body.messages.at(-1)!.content, /docstring/i, 'asks for the language\'s doc convention');
    await vscode.commands.executeCommand('qwen.acceptEdit', doc.uri.toString());
    assert.equal(doc.getText(), MATH.replace('def add(a, b):\n', 'def add(a, b):\n    """Return the sum of a and b."""\n'));
  });

  it('Generate Tests proposes a new test file beside the source; Accept creates it', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    ed.selection = new vscode.Selection(4, 0, 8, 30);
    const tests = 'from case import mean\n\n\ndef test_mean():\n    assert mean([1, 2, 3]) == 2';
    reply(fence(tests));
    await vscode.commands.executeCommand('qwen.generateTests');
    const s = await waitFor('the proposed file', async () => (await sessions()).find((x) => x.mode === 'newFile'));
    const target = vscode.Uri.parse(s.newFileTarget!);
    const name = doc.uri.path.split('/').pop()!;
    assert.equal(target.path, doc.uri.path.replace(name, `test_${name}`), 'named by the language\'s convention, beside the source');
    const proposed = vscode.workspace.textDocuments.find((d) => d.uri.toString() === s.uri)!;
    assert.equal(proposed.getText(), tests + '\n');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(target)), 'nothing is written before Accept');
    const user = (server.lastRequest()!.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content;
    assert.ok(user.includes(`test_${name}`), 'the model is told the test file\'s name');
    await vscode.commands.executeCommand('qwen.acceptEdit', s.uri);
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)), tests + '\n');
    assert.deepEqual(await sessions(), []);
    await waitFor('the test file in front', () => vscode.window.activeTextEditor?.document.uri.path === target.path);
  });

  it('Generate Tests adds to an existing test file as a pending edit and never removes its lines', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    const name = doc.uri.path.split('/').pop()!;
    const testUri = vscode.Uri.joinPath(doc.uri, '..', `test_${name}`);
    const existing = 'from case import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n';
    await vscode.workspace.fs.writeFile(testUri, new TextEncoder().encode(existing));
    ed.selection = new vscode.Selection(4, 0, 8, 30);
    // The model's whole file forgot the existing assertion: that line must stay.
    const answer = 'from case import add, mean\n\n\ndef test_add():\n    pass\n\n\ndef test_mean():\n    assert mean([2, 4]) == 3';
    reply(fence(answer));
    await vscode.commands.executeCommand('qwen.generateTests');
    const testDoc = await vscode.workspace.openTextDocument(testUri);
    const s = await waitPending(testDoc);
    const user = (server.lastRequest()!.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content;
    assert.ok(user.includes('assert add(1, 2) == 3'), 'the existing file was shown');
    assert.ok(s.pending.every((h) => h.oldText === ''), 'every hunk only adds');
    assert.equal(testDoc.getText(), existing, 'untouched before Accept');
    await vscode.commands.executeCommand('qwen.acceptEdit', testDoc.uri.toString());
    assert.equal(
      testDoc.getText(),
      'from case import add\nfrom case import add, mean\n\n\ndef test_add():\n    assert add(1, 2) == 3\n    pass\n\n\ndef test_mean():\n    assert mean([2, 4]) == 3\n',
      'every existing line kept in place, the new ones added',
    );
    assert.equal(doc.getText(), MATH, 'the source is untouched');
  });

  it('Generate Tests appends to a large test file, its imports joining the file\'s without repeats', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    const name = doc.uri.path.split('/').pop()!;
    const testUri = vscode.Uri.joinPath(doc.uri, '..', `test_${name}`);
    // too large to send whole, so the model is asked only for code to append
    let cases = '';
    for (let i = 0; i < 500; i++) cases += `\n\ndef test_add_${i}():\n    assert add(${i}, 1) == ${i + 1}\n`;
    const existing = `import pytest\nfrom case import add\n${cases}`;
    await vscode.workspace.fs.writeFile(testUri, new TextEncoder().encode(existing));
    ed.selection = new vscode.Selection(4, 0, 8, 30);
    reply(fence('import pytest\nfrom case import add, mean\n\n\ndef test_mean():\n    assert mean([2, 4]) == 3'));
    await vscode.commands.executeCommand('qwen.generateTests');
    const testDoc = await vscode.workspace.openTextDocument(testUri);
    await waitPending(testDoc);
    const user = (server.lastRequest()!.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content;
    assert.match(user, /only the code to append/, 'append mode');
    assert.equal(testDoc.getText(), existing, 'untouched before Accept');
    await vscode.commands.executeCommand('qwen.acceptEdit', testDoc.uri.toString());
    assert.equal(
      testDoc.getText(),
      `import pytest\nfrom case import add\nfrom case import mean\n${cases}\ndef test_mean():\n    assert mean([2, 4]) == 3\n`,
      'pytest and add not imported twice; mean imported with the others; the test at the end',
    );
  });

  it('the chat\'s Copy and Insert buttons', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    await vscode.commands.executeCommand('qwen.internal.codeAction', 'copy', 'x = 1', 'python');
    assert.equal(await vscode.env.clipboard.readText(), 'x = 1');
    ed.selection = new vscode.Selection(2, 0, 2, 0);
    await vscode.commands.executeCommand('qwen.internal.codeAction', 'insert', 'x = 1\n', 'python');
    assert.equal(doc.getText(), MATH.replace('    return a + b\n\n', '    return a + b\nx = 1\n\n'));
  });

  it('the chat\'s Apply puts a fragment where it belongs in the file, as a pending edit', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    ed.selection = new vscode.Selection(0, 3, 0, 3);
    await vscode.commands.executeCommand('qwen.internal.codeAction', 'apply', MEAN_GUARDED + '\n', 'python');
    const s = await waitPending(doc);
    assert.equal(s.proposalText, GUARDED, 'only the mean function is replaced');
    assert.equal(doc.getText(), MATH);
    await vscode.commands.executeCommand('qwen.acceptEdit', doc.uri.toString());
    assert.equal(doc.getText(), GUARDED);
  });

  it('the chat\'s Apply asks before using a fragment it cannot place, never replacing the whole file silently', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    ed.selection = new vscode.Selection(3, 0, 3, 0);
    const msgs = recordMessages((_m, items) => (items.includes('Insert at Cursor') ? 'Insert at Cursor' : undefined));
    cleanups.push(msgs.dispose);
    await vscode.commands.executeCommand('qwen.internal.codeAction', 'apply', 'def unrelated():\n    pass', 'python');
    assert.ok(msgs.shown.some((m) => m.items.includes('Replace Whole File') && m.items.includes('Insert at Cursor')), 'it asked');
    await waitPending(doc);
    await vscode.commands.executeCommand('qwen.acceptEdit', doc.uri.toString());
    assert.equal(doc.getText(), MATH.replace('\n\ndef mean', '\ndef unrelated():\n    pass\n\ndef mean'));
  });

  it('a file excluded from AI requests is refused before anything is sent', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const secret = vscode.Uri.joinPath(folder, 'edits', '.env');
    await vscode.workspace.fs.writeFile(secret, new TextEncoder().encode('API_KEY=secret\n'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(secret));
    const msgs = recordMessages();
    cleanups.push(msgs.dispose);
    input('');
    await vscode.commands.executeCommand('qwen.refactorSelection');
    assert.ok(msgs.texts().some((m) => /never sent to Qwen/.test(m)), msgs.texts().join(' | '));
    assert.equal(server.requests.length, 0);
  });

  it('a proposal tab restored from the previous window is closed at activation, not left showing nothing', async () => {
    const api = await activateQwen();
    const ed = await openFile(MATH);
    // what VS Code restores after a reload: the diff of a proposal whose session died with the old window
    const stale = vscode.Uri.from({ scheme: 'qwen-proposal', path: ed.document.uri.path, query: 'session=from-the-last-window' });
    await vscode.commands.executeCommand('vscode.diff', ed.document.uri, stale, 'Qwen: Refactor (restored)');
    const isStale = (t: vscode.Tab) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === stale.toString();
    await waitFor('the restored diff tab', () => vscode.window.tabGroups.all.some((g) => g.tabs.some(isStale)));
    assert.equal(await api.closeStaleProposalTabs(), 1);
    assert.ok(!vscode.window.tabGroups.all.some((g) => g.tabs.some(isStale)), 'the tab is gone');
    assert.ok(vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === ed.document.uri.toString())), 'the file\'s own tab stays');
  });

  it('its keybindings do not clash with VS Code\'s own (Ctrl+I stays inline chat\'s)', async () => {
    await vscode.commands.executeCommand('workbench.action.openDefaultKeybindingsFile');
    const text = await waitFor('the default keybindings', () => {
      const d = vscode.window.activeTextEditor?.document;
      return d && d.getText().includes('"command"') ? d.getText() : undefined;
    });
    const all = JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as Array<{ key: string; command: string; when?: string }>;
    const ours = (vscode.extensions.getExtension('qwen-coder.qwen-coder')!.packageJSON.contributes.keybindings as Array<{ key: string; command: string }>);
    assert.ok(ours.length >= 8);
    const others = all.filter((k) => !k.command.startsWith('qwen.') && !k.command.startsWith('-'));
    const clashes: string[] = [];
    for (const k of ours) {
      // Escape for Reject is asked for, and its when-clause yields to every widget Escape closes.
      if (k.key === 'escape') continue;
      const first = k.key.split(' ')[0]!;
      for (const o of others) {
        const oFirst = o.key.split(' ')[0]!;
        if (o.key === k.key || o.key === first || oFirst === k.key) clashes.push(`${k.key} (${k.command}) vs ${o.key} (${o.command})`);
      }
    }
    assert.deepEqual(clashes, []);
    const inlineChat = all.filter((k) => k.key === 'ctrl+i').map((k) => k.command);
    assert.ok(!inlineChat.some((c) => c.startsWith('qwen.')), 'Ctrl+I is not taken');
    assert.ok(ours.some((k) => k.command === 'qwen.inlineEdit'), 'Edit Inline has a key');
  });
});
