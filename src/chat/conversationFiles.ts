import * as vscode from 'vscode';
import { jsonFilesIn } from '../jsonFiles';
import type { ConversationFiles } from './store';

/** Conversation bodies as `conversations/<id>.json` in the workspace's storage folder (context.storageUri). */
export function conversationFiles(storageUri: vscode.Uri): ConversationFiles {
  return jsonFilesIn(vscode.Uri.joinPath(storageUri, 'conversations'));
}
