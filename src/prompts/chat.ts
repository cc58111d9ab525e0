// The chat view's system prompt: one system message, first (DashScope requires that order).

import type { ChatMessage } from '../qwen/types';
import { languageNote } from './format';

export interface ChatSystemOptions {
  /** the UI locale (`vscode.env.language`) */
  locale?: string;
  workspaceName?: string;
  /** the editor the user is looking at, so "this file" means something */
  activeFile?: { path: string; languageId: string };
  /** the user's own standing instructions (a setting), appended last */
  customInstructions?: string;
}

export function chatSystemPrompt(opts: ChatSystemOptions = {}): ChatMessage {
  const lines = [
    'You are Qwen Coder, a coding assistant inside Visual Studio Code.',
    'Be accurate and concise. Use Markdown. Put code in fenced blocks tagged with their language.',
    'When you change the user\'s code, show the complete changed function or block, not fragments, and say which file it belongs to.',
    'If you are not sure, say so; never invent APIs, options or results.' + languageNote(opts.locale),
  ];
  if (opts.workspaceName) lines.push(`The open workspace is "${opts.workspaceName}".`);
  if (opts.activeFile) lines.push(`The user's active editor shows \`${opts.activeFile.path}\` (${opts.activeFile.languageId}).`);
  if (opts.customInstructions?.trim()) lines.push('', 'The user\'s instructions:', opts.customInstructions.trim());
  return { role: 'system', content: lines.join('\n') };
}
