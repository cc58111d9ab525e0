// "Fix with Qwen" as a quick fix on any diagnostic (./fixWithQwen.ts), and the command behind the
// chat's code-block buttons (`qwen.internal.codeAction`: tests and the chat reach them by it).
import * as vscode from 'vscode';
import type { CodeBlockActions } from '../editor/codeBlockActions';
import { registerFixWithQwen } from './fixWithQwen';

export const CODE_ACTION_COMMAND = 'qwen.internal.codeAction';

export function registerCodeActions(codeBlocks: CodeBlockActions): vscode.Disposable[] {
  return [
    registerFixWithQwen(),
    vscode.commands.registerCommand(CODE_ACTION_COMMAND, (action: unknown, code: unknown, language: unknown) => codeBlocks.run(action, code, language)),
  ];
}
