// Smoke test in the real extension host: the extension activates, and every command of the
// contract is registered and shows exactly the contract's text in the command palette.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

// The public commands: id -> what the palette shows (users' keybindings rely on both). Written out here on purpose, rather than
// read from the extension's own constants, so a renamed id or title fails this test.
const CONTRACT_COMMANDS: Record<string, string> = {
  'qwen.setApiKey': 'Qwen: Set API Key',
  'qwen.clearApiKey': 'Qwen: Clear API Key',
  'qwen.selectModel': 'Qwen: Select Model',
  'qwen.openChat': 'Qwen: Open Chat',
  'qwen.newChat': 'Qwen: New Chat',
  'qwen.stop': 'Qwen: Stop Generating',
  'qwen.explainSelection': 'Qwen: Explain Selection',
  'qwen.refactorSelection': 'Qwen: Refactor Selection',
  'qwen.fixSelection': 'Qwen: Fix Selection',
  'qwen.documentSelection': 'Qwen: Document Selection',
  'qwen.generateTests': 'Qwen: Generate Tests',
  'qwen.inlineEdit': 'Qwen: Edit Inline',
  'qwen.acceptEdit': 'Qwen: Accept Edit',
  'qwen.rejectEdit': 'Qwen: Reject Edit',
};

interface ContributedCommand { command: string; title: string; category?: string }

describe('activation', () => {
  const ext = vscode.extensions.getExtension('qwen-coder.qwen-coder');

  // The manifest may reach us with %placeholders% still in it; resolve them as VS Code does for
  // the default (English) locale, from package.nls.json.
  const english = (s: string | undefined): string | undefined => {
    const m = s?.match(/^%(.+)%$/);
    if (!m) return s;
    const nls = JSON.parse(readFileSync(join(ext!.extensionPath, 'package.nls.json'), 'utf8')) as Record<string, string | { message: string }>;
    const v = nls[m[1]!];
    return typeof v === 'string' ? v : v?.message;
  };

  it('is installed under the id qwen-coder.qwen-coder and activates', async () => {
    assert.ok(ext, 'extension qwen-coder.qwen-coder is present');
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every contract command', async () => {
    await ext!.activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = Object.keys(CONTRACT_COMMANDS).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
  });

  it('contributes each command with the palette text of the contract (English)', () => {
    const contributed = (ext!.packageJSON.contributes?.commands ?? []) as ContributedCommand[];
    const shown = Object.fromEntries(contributed.map((c) => [c.command, `${english(c.category)}: ${english(c.title)}`]));
    for (const [id, text] of Object.entries(CONTRACT_COMMANDS)) {
      assert.equal(shown[id], text, `palette text of ${id}`);
    }
  });

  it('contributes the Qwen view container with the Chat webview view', () => {
    const contributes = ext!.packageJSON.contributes;
    const container = (contributes.viewsContainers?.activitybar ?? []).find((c: { id: string }) => c.id === 'qwen');
    assert.ok(container, 'activity bar container qwen');
    assert.equal(english(container.title), 'Qwen');
    const view = (contributes.views?.qwen ?? []).find((v: { id: string }) => v.id === 'qwen.chatView');
    assert.ok(view, 'view qwen.chatView in container qwen');
    assert.equal(view.type, 'webview');
    assert.equal(english(view.name), 'Chat');
  });

  it('runs in a trusted folder here (the untrusted suite covers the other case)', () => {
    assert.equal(vscode.workspace.isTrusted, true);
    assert.ok(vscode.workspace.workspaceFolders?.length, 'a folder is open');
  });
});
