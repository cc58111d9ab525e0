// The one thing a running task may wait for from the user: a command to run, or an edit to review
// (at most one at a time: calls run in order). Decided from the tool's row in the chat (Run / Skip,
// Accept / Reject), from the palette (Approve / Deny Agent Action), for edits also from the diff
// (Accept / Reject Edit), and by Stop, which counts as a denial. With the chat view hidden, a
// command's question is also asked in a notification, so it is never waited on unseen.
import * as vscode from 'vscode';

export type WaitKind = 'command' | 'edit';

interface Waiting {
  callId: string;
  kind: WaitKind;
  resolve(approve: boolean): void;
}

export class Approvals implements vscode.Disposable {
  private waiting: Waiting | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  /**
   * Waits for the user's decision on call `callId`; false on Deny, Skip, Reject or Stop (the signal).
   * `ask`: shows the question where the user will see it; it gets the decision function.
   */
  wait(callId: string, kind: WaitKind, signal: AbortSignal, ask?: (decide: (approve: boolean) => void) => void): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    this.waiting?.resolve(false);
    return new Promise<boolean>((resolve) => {
      const w: Waiting = {
        callId,
        kind,
        resolve: (approve) => {
          if (this.waiting !== w) return;
          this.waiting = undefined;
          signal.removeEventListener('abort', onAbort);
          this.changed.fire();
          resolve(approve);
        },
      };
      const onAbort = () => w.resolve(false);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting = w;
      this.changed.fire();
      ask?.((approve) => w.resolve(approve));
    });
  }

  /** What waits now, if anything. */
  get current(): { callId: string; kind: WaitKind } | undefined {
    return this.waiting && { callId: this.waiting.callId, kind: this.waiting.kind };
  }

  /** Decides what waits (only when it is `callId`, if given); false when nothing matched. */
  decide(approve: boolean, callId?: string): boolean {
    const w = this.waiting;
    if (!w || (callId !== undefined && w.callId !== callId)) return false;
    w.resolve(approve);
    return true;
  }

  dispose(): void {
    this.waiting?.resolve(false);
    this.changed.dispose();
  }
}
