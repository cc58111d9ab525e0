import * as vscode from 'vscode';
import { scrub } from './qwen/scrub';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/**
 * The "Qwen" log channel. Every line passes through `scrub` with every key this session has seen,
 * so a key can never reach the log even if a caller formats one by mistake.
 */
export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private readonly secrets = new Set<string>();
  /** The last lines written, after redaction; lets tests prove what reached the log. */
  private readonly ring: string[] = [];

  constructor(name = 'Qwen') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** Remember a secret so it is scrubbed from every later line. */
  addSecret(secret: string | undefined): void {
    if (secret) this.secrets.add(secret);
  }

  /** Every key this session has seen (the agent's command output is scrubbed of them too). */
  knownSecrets(): string[] {
    return [...this.secrets];
  }

  scrub(text: string): string {
    return scrub(text, this.secrets);
  }

  write(level: LogLevel, message: string): void {
    const line = this.scrub(message);
    this.ring.push(`[${level}] ${line}`);
    if (this.ring.length > 500) this.ring.shift();
    this.channel[level](line);
  }

  recent(): string[] {
    return [...this.ring];
  }

  trace(m: string): void { this.write('trace', m); }
  debug(m: string): void { this.write('debug', m); }
  info(m: string): void { this.write('info', m); }
  warn(m: string): void { this.write('warn', m); }
  error(m: string | Error): void {
    this.write('error', m instanceof Error ? `${m.name}: ${m.message}` : m);
  }

  show(): void { this.channel.show(true); }

  dispose(): void { this.channel.dispose(); }
}
