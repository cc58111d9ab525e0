// Questions a turn asks the user (ask / answer in the protocol). The view asks them in place; a
// closed or hidden view cannot, so they are asked in a modal dialog instead, and a turn never waits
// for an answer nobody was asked for.
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import type { Answer, HostToWebview, Question } from '../protocol/messages';

/**
 * Where the controller sends view messages; the view provider drops them while the view is closed.
 * True when a view the user can see got the message (a question there can be answered).
 */
export type Post = (m: HostToWebview) => boolean;

interface Pending {
  question: Question;
  answer: (a: Answer | undefined) => void;
  /** asked in a dialog: the view could not */
  inModal: boolean;
}

export class Questions implements vscode.Disposable {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly post: () => Post) {}

  /** Asks the user; undefined when the signal aborts first (Stop) or the questions are disposed. */
  ask(question: Question, signal: AbortSignal): Promise<Answer | undefined> {
    const requestId = randomUUID();
    return new Promise((resolve) => {
      const answer = (a: Answer | undefined) => {
        if (!this.pending.delete(requestId)) return;
        signal.removeEventListener('abort', onAbort);
        resolve(a);
      };
      const onAbort = () => answer(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(requestId, { question, answer, inModal: false });
      if (!this.post()({ type: 'ask', requestId, question })) this.inModal(requestId);
    });
  }

  /** The view's answer; one of another kind than the question is not an answer to it. */
  answered(requestId: string, answer: Answer): void {
    const p = this.pending.get(requestId);
    if (p && p.question.kind === answer.kind) p.answer(answer);
  }

  /** The view is gone: what it was asking is asked in a dialog. */
  viewClosed(): void {
    for (const id of [...this.pending.keys()]) this.inModal(id);
  }

  /** A fresh page (reloaded, or rebuilt after a message it could not take) lost what it showed. */
  viewRebuilt(): void {
    for (const [requestId, p] of this.pending) if (!p.inModal && !this.post()({ type: 'ask', requestId, question: p.question })) this.inModal(requestId);
  }

  private inModal(requestId: string): void {
    const p = this.pending.get(requestId);
    if (!p || p.inModal) return;
    p.inModal = true;
    const q = p.question;
    const language = vscode.env.language;
    const send = vscode.l10n.t('Send Anyway');
    const message = q.costUsd !== null
      ? vscode.l10n.t('This request is about {0} tokens (about ${1}). Send it?', q.tokens.toLocaleString(language), q.costUsd.toFixed(3))
      : vscode.l10n.t('This request is about {0} tokens. Send it?', q.tokens.toLocaleString(language));
    vscode.window.showWarningMessage(message, { modal: true }, send).then(
      (choice) => p.answer({ kind: 'largeContext', send: choice === send }),
      () => p.answer(undefined),
    );
  }

  dispose(): void {
    for (const p of [...this.pending.values()]) p.answer(undefined);
  }
}
