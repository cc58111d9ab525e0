// Refactor / Fix / Document / Generate Tests and the chat's Apply, in the real extension host
// against the fake server, asserting on the document's text: the proposal waits in a diff
// editor, Accept writes exactly it as one undo step, Reject leaves the bytes as they were, and
// what the user types while the answer streams is kept.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startFakeQwen, type FakeQwen } from '../fake-qwen/server';
import { activateQwen, setUserSetting, stubWindow, waitFor } from './helpers';

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
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Python: no language server starts for it, which keeps the suite light.
const MATH = [
  'def add(a, b):',
  '    return a + b',
  '',
  '',
  'def mean(values):',
  '    total = 0',
  '    for v in values:',
  '        total += v',
  '    return total / len(values)',
  '',
].join('\n');

const MEAN_GUARDED = [
  'def mean(values):',
  '    if not values:',
  '        return 0',
  '    total = 0',
  '    for v in values:',
  '        total += v',
  '    return total / len(values)',
].join('\n');

const GUARD = '    if not values:\n        return 0\n';
const GUARDED = MATH.replace('    total = 0\n', GUARD + '    total = 0\n');

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
  let n = 0;
  const cleanups: Array<() => void> = [];

  async function openFile(text: string, ext = 'py'): Promise<vscode.TextEditor> {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const uri = vscode.Uri.joinPath(folder, 'edits', `case${++n}.${ext}`);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: false });
  }

  function reply(text: string, delay = 0): void {
    server.setScenario((ctx) => ctx.reply(text, delay ? { delay } : {}));
  }

  function input(answer: string | undefined): void {
    cleanups.push(stubWindow('showInputBox', (() => Promise.resolve(answer)) as never));
  }

  before(async () => {
    await activateQwen();
    server = await startFakeQwen();
    await setUserSetting('qwen.provider', 'custom');
    await setUserSetting('qwen.baseUrl', server.url);
    await setUserSetting('qwen.model', 'qwen3-coder-plus');
  });

  after(async () => {
    await setUserSetting('qwen.provider', undefined);
    await setUserSetting('qwen.baseUrl', undefined);
    await setUserSetting('qwen.model', undefined);
    await server.close();
  });

  beforeEach(() => server.reset());

  afterEach(async () => {
    while (cleanups.length) cleanups.pop()!();
    for (const s of await sessions()) await vscode.commands.executeCommand('qwen.rejectEdit', s.uri);
    // Leave nothing dirty behind for the suites that run after this one.
    for (const doc of vscode.workspace.textDocuments) if (doc.isDirty && doc.uri.scheme === 'file') await doc.save();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

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
    reply(fence(MEAN_GUARDED), 25);
    const done = vscode.commands.executeCommand('qwen.refactorSelection');
    await server.waitForRequest();
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
    reply(fence(proposal), 25);
    const msgs = recordMessages();
    cleanups.push(msgs.dispose);
    const done = vscode.commands.executeCommand('qwen.refactorSelection');
    await server.waitForRequest();
    const e = new vscode.WorkspaceEdit();
    e.replace(doc.uri, new vscode.Range(1, 11, 1, 16), 'a - b');
    assert.ok(await vscode.workspace.applyEdit(e));
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
    reply(fence(MEAN_GUARDED), 60);
    const msgs = recordMessages();
    cleanups.push(msgs.dispose);
    const done = vscode.commands.executeCommand('qwen.refactorSelection');
    const rec = await server.waitForRequest();
    await sleep(100);
    await vscode.commands.executeCommand('qwen.stop');
    await done;
    assert.equal(await server.waitForClose(rec), 'client', 'the connection was closed');
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

  it('a file renamed while the answer streams is handled with a message, not an exception', async () => {
    const ed = await openFile(MATH);
    const doc = ed.document;
    ed.selection = new vscode.Selection(4, 0, 8, 30);
    input('');
    reply(fence(MEAN_GUARDED), 40);
    const msgs = recordMessages();
    cleanups.push(msgs.dispose);
    const done = vscode.commands.executeCommand('qwen.refactorSelection');
    await server.waitForRequest();
    const renamed = vscode.Uri.joinPath(doc.uri, '..', 'renamed.py');
    const e = new vscode.WorkspaceEdit();
    e.renameFile(doc.uri, renamed, { overwrite: true });
    assert.ok(await vscode.workspace.applyEdit(e));
    await done;
    assert.ok(msgs.texts().some((m) => /was renamed, so its Qwen edit was dropped/.test(m)), msgs.texts().join(' | '));
    assert.deepEqual(await sessions(), []);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(renamed));
    assert.equal(text, MATH);
  });
});
