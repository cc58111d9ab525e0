import * as vscode from 'vscode';
import type { ConversationFiles } from './store';

/**
 * Conversation bodies as `<id>.json` in the workspace's storage folder (context.storageUri), via
 * workspace.fs (local disk for file: URIs, the right place in remote and web setups). A write goes
 * to a temporary file first and is renamed over the old one, so a crash mid-write never leaves a
 * torn conversation.
 */
export function conversationFiles(storageUri: vscode.Uri): ConversationFiles {
  const dir = vscode.Uri.joinPath(storageUri, 'conversations');
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
    async remove(id) {
      try {
        await vscode.workspace.fs.delete(fileOf(id));
      } catch {
        // already gone
      }
    },
  };
}

/** Ids are UUIDs we made; anything else is reduced to a file name that cannot leave the folder. */
function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100) || '_';
}
