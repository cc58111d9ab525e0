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
export class StreamTracker implements vscode.Disposable {
  private readonly active = new Set<ActiveStream>();
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
    this.update();
    return s;
  }

  end(s: ActiveStream): void {
    if (this.active.delete(s)) this.update();
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
    void vscode.commands.executeCommand('setContext', ContextKeys.streaming, this.active.size > 0);
    this.changed.fire();
  }

  dispose(): void {
    this.stopAll();
    this.changed.dispose();
  }
}
