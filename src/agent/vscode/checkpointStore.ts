// Where agent checkpoints live: `agent-checkpoints/<conversationId>.json` in the workspace's
// storage folder (the global one when the window has no workspace), through workspace.fs. A write
// goes to a temporary file first and is renamed over the old one, so a crash mid-write never
// leaves a torn checkpoint, and Undo Agent Task works after a window reload.
import * as vscode from 'vscode';
import { Checkpoints, type CheckpointFiles } from '../checkpoints';

export function checkpointFiles(dir: vscode.Uri): CheckpointFiles {
  const fileOf = (id: string) => vscode.Uri.joinPath(dir, `${safeName(id)}.json`);
  return {
    async read(id) {
      try {
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(fileOf(id)));
      } catch {
        return undefined;
      }
    },
    async write(id, text) {
      await vscode.workspace.fs.createDirectory(dir);
      const tmp = vscode.Uri.joinPath(dir, `${safeName(id)}.json.tmp`);
      await vscode.workspace.fs.writeFile(tmp, new TextEncoder().encode(text));
      await vscode.workspace.fs.rename(tmp, fileOf(id), { overwrite: true });
    },
  };
}

/** The checkpoints of this workspace (one instance, built where the agent is). */
export function createCheckpoints(context: Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri'>, log?: (message: string) => void): Checkpoints {
  const base = context.storageUri ?? context.globalStorageUri;
  return new Checkpoints(checkpointFiles(vscode.Uri.joinPath(base, 'agent-checkpoints')), { log });
}

/** Conversation ids are UUIDs we made; anything else is reduced to a file name that cannot leave the folder. */
function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100) || '_';
}
