import * as vscode from 'vscode';
import { ContextKeys } from './constants';

export interface ActiveStream {
  readonly label: string;
  readonly controller: AbortController;
}

/**
 * Owns every request that is streaming right now, so `Qwen: Stop Generating` can stop them all
 * and the status bar and the `qwen.streaming` context key tell the truth.
 */
/**
 * How long the workbench is told of a new stream after it starts. The context key and the status bar
 * are renderer work (every `when` clause is evaluated again) that sits in the same queue as the
 * turn's first messages to the chat view: said at once, they delayed the first words on screen by
 * 10-20 ms (first-text bench). A stream shorter than this never shows in them at all; Stop works
 * from its first moment either way (the command does not depend on the key, the view has its own).
 */
export const ANNOUNCE_DELAY_MS = 100;

export class StreamTracker implements vscode.Disposable {
  private readonly active = new Set<ActiveStream>();
  /** what the context key and the status bar were last told */
  private shown = false;
  private announce: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  /** Starts tracking; the returned stream's controller aborts it. Call `end` in a finally. */
  begin(label: string, parent?: AbortSignal): ActiveStream {
    const controller = new AbortController();
    if (parent) {
      if (parent.aborted) controller.abort();
      else parent.addEventListener('abort', () => controller.abort(), { once: true });
    }
    const s: ActiveStream = { label, controller };
    this.active.add(s);
    if (this.shown) this.changed.fire(); // already on screen: the status bar names the new one now
    else this.announce ??= setTimeout(() => {
      this.announce = undefined;
      this.update();
    }, ANNOUNCE_DELAY_MS);
    return s;
  }

  end(s: ActiveStream): void {
    if (!this.active.delete(s)) return;
    if (this.active.size === 0 && this.announce !== undefined) {
      // ended before it was ever shown: nothing to take back
      clearTimeout(this.announce);
      this.announce = undefined;
      return;
    }
    this.update();
  }

  /** Aborts everything streaming; what has arrived stays with its owner. */
  stopAll(): number {
    const n = this.active.size;
    for (const s of [...this.active]) s.controller.abort();
    return n;
  }

  get labels(): string[] {
    return [...this.active].map((s) => s.label);
  }

  get isStreaming(): boolean {
    return this.active.size > 0;
  }

  private update(): void {
    const streaming = this.active.size > 0;
    if (streaming !== this.shown) void vscode.commands.executeCommand('setContext', ContextKeys.streaming, streaming);
    this.shown = streaming;
    this.changed.fire();
  }

  dispose(): void {
    if (this.announce !== undefined) clearTimeout(this.announce);
    this.stopAll();
    this.changed.dispose();
  }
}
