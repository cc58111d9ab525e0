import * as vscode from 'vscode';
import { describeError, type QwenError } from './qwen';

/**
 * What the user reads for a client error: the client's one sentence, in VS Code's display language.
 * The error's own `message` stays English (logs, bug reports); only zh-cn has a second set.
 */
export function errorText(e: QwenError, language = vscode.env.language): string {
  return language.toLowerCase() === 'zh-cn' ? describeError(e, 'zh-cn') : e.message || describeError(e);
}
