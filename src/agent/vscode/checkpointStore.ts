// Where agent checkpoints live: `agent-checkpoints/<conversationId>.json` in the workspace's
// storage folder (the global one when the window has no workspace), written whole and renamed into
// place (src/jsonFiles.ts), so Undo Agent Task works after a window reload.
import * as vscode from 'vscode';
import { jsonFilesIn } from '../../jsonFiles';
import { Checkpoints, type CheckpointFiles } from '../checkpoints';

export function checkpointFiles(dir: vscode.Uri): CheckpointFiles {
  return jsonFilesIn(dir);
}

/** The checkpoints of this workspace (one instance, built where the agent is). */
export function createCheckpoints(context: Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri'>, log?: (message: string) => void): Checkpoints {
  const base = context.storageUri ?? context.globalStorageUri;
  return new Checkpoints(checkpointFiles(vscode.Uri.joinPath(base, 'agent-checkpoints')), { log });
}
