import type * as vscode from 'vscode';

/** Where ghost text is offered: editable documents, local or remote, and notebook cells. */
export const SELECTOR: vscode.DocumentFilter[] = ['file', 'untitled', 'vscode-remote', 'vscode-vfs', 'vscode-notebook-cell'].map((scheme) => ({ scheme }));
