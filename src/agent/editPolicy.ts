// Which agent edits always wait for the user, even with qwen.agent.autoApproveEdits on. A file
// under .git/ or .vscode/ can run code without any command the user approves: a git hook runs
// on the user's next commit, a task can run when the folder opens, and workspace settings can
// point tools at any program. Writing one unreviewed would bypass the approval of shell commands.
const ALWAYS_ASK_SEGMENTS = new Set(['.git', '.vscode']);

/** True when a change to this path (relative to its workspace folder, any separator) must be reviewed. */
export function alwaysAsk(relativePath: string): boolean {
  return relativePath
    .split(/[\\/]+/)
    .slice(0, -1)
    .some((seg) => ALWAYS_ASK_SEGMENTS.has(seg.toLowerCase()));
}
