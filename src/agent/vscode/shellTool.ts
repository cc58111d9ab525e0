// The agent's `run_shell_command` tool: checks the call, asks the user (unless a prefix in
// qwen.agent.autoApproveCommands approves it), runs it through the ShellRunner and tells the
// model the exit code and the output. A non-zero exit is still a result the model must read.
import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { autoApproved } from '../commandApproval';
import { displayPath, resolveToolPath } from '../paths';
import type { ToolCallRequest, ToolOutcome, ToolRunContext } from '../types';
import type { ToolFacts } from '../../protocol/messages';
import type { ShellRunner } from './shellRunner';

/** How much of a command's output is kept (head and tail) unless the settings say otherwise. */
export const DEFAULT_MAX_OUTPUT_CHARS = 30_000;

export interface ShellApprovalRequest {
  callId: string;
  /** exactly what will run */
  command: string;
  /** the absolute directory it runs in */
  directory: string;
  /** aborted by Stop: the approval counts as denied */
  signal: AbortSignal;
}

export interface ShellToolSettings {
  autoApprove: readonly string[];
  timeoutMs: number;
  maxOutputChars?: number;
}

export class ShellTool {
  constructor(
    private readonly runner: ShellRunner,
    private readonly folders: () => string[],
    private readonly approve: (req: ShellApprovalRequest) => Promise<boolean>,
    private readonly settings: () => ShellToolSettings,
  ) {}

  async run(call: ToolCallRequest, ctx: ToolRunContext): Promise<ToolOutcome> {
    const command = call.args.command;
    if (typeof command !== 'string' || command.trim() === '') {
      return { status: 'error', content: 'run_shell_command needs a non-empty "command" string.' };
    }
    // The task runner offers no shell in an untrusted folder; this holds even if it were called.
    if (!vscode.workspace.isTrusted) return { status: 'error', content: 'Commands cannot run in an untrusted workspace.' };
    const folders = this.folders();
    const dirArg = call.args.directory;
    const given = dirArg === undefined || dirArg === null || (typeof dirArg === 'string' && dirArg.trim() === '') ? folders[0] : dirArg;
    const resolved = resolveToolPath(given, folders);
    if ('error' in resolved) return { status: 'error', content: resolved.error, facts: { command } };
    const cwd = resolved.abs;
    const facts: ToolFacts = { command, directory: displayPath(cwd, folders) };
    const isDir = await stat(cwd).then((s) => s.isDirectory(), () => false);
    if (!isDir) return { status: 'error', content: `"${facts.directory}" is not an existing directory.`, facts };

    const settings = this.settings();
    const dialect = process.platform === 'win32' ? 'windows' : 'posix';
    if (autoApproved(command, settings.autoApprove, dialect)) {
      facts.autoApproved = true;
    } else {
      if (ctx.signal.aborted) return declined(facts);
      ctx.progress('pending', facts);
      let approved: boolean;
      try {
        approved = await untilAborted(this.approve({ callId: call.id, command, directory: cwd, signal: ctx.signal }), ctx.signal);
      } catch {
        approved = false;
      }
      if (!approved || ctx.signal.aborted) return declined(facts);
    }

    ctx.progress('running', facts);
    const timeoutMs = settings.timeoutMs > 0 ? settings.timeoutMs : 120_000;
    try {
      const r = await this.runner.run(command, cwd, { signal: ctx.signal, timeoutMs, maxOutputChars: settings.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS });
      const output = r.output.trim() === '' ? '(no output)' : r.output;
      const head = r.timedOut
        ? `The command did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped. Output so far:`
        : r.killed
          ? 'The user stopped the command. Output so far:'
          : `Exit code: ${r.exitCode ?? 'unknown'}`;
      return { status: 'done', content: `${head}\n\n${output}`, facts: { ...facts, exitCode: r.exitCode, timedOut: r.timedOut, ...(r.truncated ? { truncated: true } : {}) } };
    } catch (e) {
      return { status: 'error', content: `The command could not start: ${e instanceof Error ? e.message : String(e)}`, facts };
    }
  }
}

function declined(facts: ToolFacts): ToolOutcome {
  return { status: 'denied', content: 'The user declined to run this command.', facts };
}

/** The approval's answer, or false as soon as Stop is pressed. */
function untilAborted(p: Promise<boolean>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v === true);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
