// What the agent's task runner (plain Node) and the tools it calls (VS Code glue, or a stand-in in
// tests and the bench) agree on. No vscode here.
import type { ToolFacts } from '../protocol/messages';

/** The tools offered to the model, named exactly as Qwen Code names them (CONTRACT.md). */
export const TOOL_NAMES = ['read_file', 'list_directory', 'glob', 'grep_search', 'edit', 'write_file', 'run_shell_command'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** Tools that only read: they run at once, without asking. */
export const READ_TOOLS: readonly ToolName[] = ['read_file', 'list_directory', 'glob', 'grep_search'];

export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}

/** One call, its arguments already parsed into an object and checked against the tool's parameters. */
export interface ToolCallRequest {
  /** the id the result must carry (unique in the conversation) */
  id: string;
  name: ToolName;
  args: Record<string, unknown>;
}

/**
 * How a call ended and what the model is told. `content` is the tool's whole answer: the runner
 * scrubs stored keys out of it and cuts it to fit, so a tool never needs to.
 *  - done:   it did what was asked;
 *  - error:  it could not (a path outside the workspace, an excluded file, old_string missing…);
 *  - denied: the user declined (Reject, Skip, Deny, or Stop while it waited).
 */
export interface ToolOutcome {
  status: 'done' | 'error' | 'denied';
  content: string;
  facts?: ToolFacts;
}

/** What a running tool may tell the task while it works. */
export interface ToolRunContext {
  /** Stop: a waiting approval counts as denied, a running command is killed */
  signal: AbortSignal;
  /** the call now waits for the user (pending) or runs (running); facts so far for its row */
  progress(status: 'pending' | 'running', facts?: ToolFacts): void;
  /** the task this call belongs to (checkpoints are kept per task) */
  taskId: string;
}

/** Runs the tools. The VS Code side implements it; tests and the bench use stand-ins. */
export interface ToolHost {
  /** the tools to offer now (an untrusted folder offers no shell) */
  available(): readonly ToolName[];
  run(call: ToolCallRequest, ctx: ToolRunContext): Promise<ToolOutcome>;
}

/** The setup the system prompt describes. */
export interface AgentSystemInfo {
  /** absolute paths; the first is where relative paths start */
  folders: readonly string[];
  /** e.g. "linux", "darwin", "win32" */
  platform: string;
  /** the shell commands run in, e.g. /bin/bash */
  shell?: string;
  /** the UI locale, so the model answers in the user's language */
  locale?: string;
  /** the user's standing instructions (.qwen/instructions.md) */
  customInstructions?: string;
  /** false in an untrusted folder: no shell tool, edits always ask */
  trusted: boolean;
}
