// Small JSON documents by id in one folder of the extension's storage (conversations, agent
// checkpoints), through workspace.fs: local disk for file: URIs, the right place in remote and web
// setups. A write goes to a temporary file first and is renamed over the old one, so a crash
// mid-write never leaves a torn file.
import * as vscode from 'vscode';

export interface JsonFiles {
  read(id: string): Promise<string | undefined>;
  write(id: string, text: string): Promise<void>;
  remove(id: string): Promise<void>;
}

export function jsonFilesIn(dir: vscode.Uri): JsonFiles {
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

/** Ids are ones we made (UUIDs); anything else is reduced to a file name that cannot leave the folder. */
function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100) || '_';
}
