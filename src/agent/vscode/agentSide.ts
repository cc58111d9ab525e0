// The agent's VS Code side, built once in core.ts: the tools (read, edit, shell) behind one tool
// host, the one approval a task may wait for, checkpoints and Undo Agent Task, and what the
// system prompt says about this window. The chat (ChatController) runs tasks through it.
import * as vscode from 'vscode';
import type { AgentLink } from '../../chat/controller';
import { Settings } from '../../constants';
import type { Log } from '../../log';
import type { ContentGate } from '../../policy/vscode/contentGate';
import type { PendingEdits } from '../../editor/pendingEdits';
import type { KeyStore } from '../../secrets';
import { PROVIDERS } from '../../qwen/providers';
import { PROVIDER_IDS } from '../../qwen/types';
import { resolveToolPath } from '../paths';
import { TOOL_NAMES, type AgentSystemInfo, type ToolCallRequest, type ToolHost, type ToolName, type ToolOutcome, type ToolRunContext } from '../types';
import { Approvals } from './approvals';
import { createCheckpoints } from './checkpointStore';
import { EditTools } from './editTools';
import { ReadTools } from './readTools';
import { ShellRunner } from './shellRunner';
import { ShellTool } from './shellTool';
import { undoLastTask } from './undoTask';

/** The workspace folders on disk, the first one first (relative paths start there). */
export function workspaceFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

function agentConfig() {
  return vscode.workspace.getConfiguration(Settings.section);
}

/**
 * A user-level value only: settings that let the agent act without asking are the user's to set
 * (they are `application` scope; reading the user value also guards an older VS Code).
 */
function userValue<T>(key: string, fallback: T): T {
  const v = agentConfig().inspect<T>(key)?.globalValue;
  return v === undefined ? fallback : v;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export class AgentSide implements AgentLink, ToolHost, vscode.Disposable {
  readonly host: ToolHost = this;
  private readonly approvals = new Approvals();
  private readonly read: ReadTools;
  private readonly edits: EditTools;
  private readonly shell: ShellTool;
  private readonly runner: ShellRunner;
  private readonly checkpoints;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    context: vscode.ExtensionContext,
    gate: ContentGate,
    private readonly pending: PendingEdits,
    log: Log,
    private readonly keys: KeyStore,
    /** the conversation the running task belongs to */
    conversationId: () => string,
    /** whether the chat view is on screen: a command's question goes to a notification when not */
    viewVisible: () => boolean,
  ) {
    this.checkpoints = createCheckpoints(context, (m) => log.info(m));
    this.read = new ReadTools(gate, workspaceFolders, context.asAbsolutePath('out/grepWorker.js'));
    this.edits = new EditTools({
      pending,
      gate,
      folders: workspaceFolders,
      checkpoints: this.checkpoints,
      autoApprove: () => vscode.workspace.isTrusted && userValue<unknown>('agent.autoApproveEdits', false) === true,
      conversationId,
      log: (m) => log.info(m),
    });
    this.runner = new ShellRunner({ secretsToHide: () => log.knownSecrets(), log: (l) => log.info(l) });
    this.shell = new ShellTool(
      this.runner,
      workspaceFolders,
      (req) =>
        this.approvals.wait(req.callId, 'command', req.signal, viewVisible() ? undefined : (decide) => void this.askInNotification(req.command, req.directory, decide)),
      () => ({
        autoApprove: stringList(userValue<unknown>('agent.autoApproveCommands', [])),
        timeoutMs: Math.max(5, Number(userValue('agent.commandTimeoutSeconds', 600)) || 600) * 1000,
      }),
    );
    this.subs.push(this.approvals, this.runner);
  }

  // ------------------------------------------------------------------ ToolHost

  available(): readonly ToolName[] {
    // An untrusted folder offers no shell at all: the model never hears of it.
    return vscode.workspace.isTrusted ? TOOL_NAMES : TOOL_NAMES.filter((n) => n !== 'run_shell_command');
  }

  run(call: ToolCallRequest, ctx: ToolRunContext): Promise<ToolOutcome> {
    switch (call.name) {
      case 'read_file':
      case 'list_directory':
      case 'glob':
      case 'grep_search':
        return this.read.run(call, ctx);
      case 'edit':
      case 'write_file':
        return this.edits.run(call, ctx);
      case 'run_shell_command':
        if (!vscode.workspace.isTrusted) return Promise.resolve({ status: 'error', content: 'Commands cannot run in an untrusted workspace.' });
        return this.shell.run(call, ctx);
    }
  }

  // ------------------------------------------------------------------ AgentLink

  async system(): Promise<AgentSystemInfo> {
    // Every stored key is read once per task, so the log knows them all and every tool result and
    // command output is scrubbed of any of them, not only the active provider's.
    await Promise.all(PROVIDER_IDS.map((p) => this.keys.get(p, PROVIDERS[p].envVar).catch(() => undefined)));
    return {
      folders: workspaceFolders(),
      platform: process.platform,
      shell: vscode.env.shell || undefined,
      locale: vscode.env.language,
      trusted: vscode.workspace.isTrusted,
    };
  }

  /** The task's waiting edit is decided like Accept / Reject Edit; a waiting command by Run / Skip. */
  async decide(approve: boolean, callId?: string): Promise<boolean> {
    const edit = this.edits.waiting();
    if (edit && (callId === undefined || this.approvalsIdle())) return this.pending.decide(edit, approve);
    return this.approvals.decide(approve, callId);
  }

  /** The edit waiting for review, for Accept / Reject Edit when the active editor has none of its own. */
  waitingEdit() {
    return this.edits.waiting();
  }

  async undoTask(conversationId: string): Promise<void> {
    await undoLastTask(this.checkpoints, conversationId);
  }

  async openPath(shown: string): Promise<void> {
    const r = resolveToolPath(shown, workspaceFolders());
    if ('error' in r) return;
    const uri = vscode.Uri.file(r.abs);
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.type & vscode.FileType.Directory) await vscode.commands.executeCommand('revealInExplorer', uri);
      else await vscode.window.showTextDocument(uri, { preview: true });
    } catch {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} does not exist (any more).', shown));
    }
  }

  private approvalsIdle(): boolean {
    return this.approvals.current === undefined;
  }

  private async askInNotification(command: string, directory: string, decide: (approve: boolean) => void): Promise<void> {
    const run = vscode.l10n.t('Run');
    const skip = vscode.l10n.t('Skip');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('Qwen Agent wants to run `{0}` in {1}. What commands change is not undone by Undo Agent Task.', command, vscode.workspace.asRelativePath(directory, false) || directory),
      run,
      skip,
    );
    if (choice === run) decide(true);
    else if (choice === skip) decide(false);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
