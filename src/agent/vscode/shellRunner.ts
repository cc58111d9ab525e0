// Runs one approved shell command for the agent and returns what it printed, in a terminal the
// user can see, named "Qwen Agent".
//
// Two ways, chosen once per window:
//  - Shell integration, where VS Code offers it (a real shell in the "Qwen Agent" terminal that
//    reports each command's output and exit code): the user sees the command run in their own
//    shell, with its colours and prompt. We wait a few seconds after creating the terminal for
//    integration to activate. Its limits: the shell's startup files run (so we unset the key
//    variables again once it is up), and a command is stopped with Ctrl+C, like a user would;
//    one that ignores it is ended with its terminal.
//  - A child process otherwise (integration off in the settings, an unsupported shell such as
//    cmd.exe, or a browser-hosted VS Code whose terminal never reports back): `spawn` with
//    `shell: true`, its own process group, an environment without the keys, and its output
//    mirrored into a "Qwen Agent" pseudoterminal so the user still watches it happen. Timeout and
//    Stop kill the whole group, so nothing the command started keeps running.
// Once integration has failed to appear we use the child process for the rest of the window: a
// few seconds of waiting before every command would cost more than it gives.
//
// Either way the output goes through OutputCapture as it arrives (escapes stripped, stored keys
// hidden, head and tail kept), so memory is bounded by the cap, not by what the command prints.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import { OutputCapture } from '../shellOutput';
import { PROVIDERS } from '../../qwen/providers';

/** The terminal the agent's commands run in. */
export const AGENT_TERMINAL_NAME = 'Qwen Agent';

/** The variables the extension reads keys from (each provider's): no command the agent runs ever sees them. */
export const KEY_VARIABLES: readonly string[] = [...new Set(Object.values(PROVIDERS).map((p) => p.envVar))];

export interface ShellRun {
  /** what it printed (stdout and stderr together), escapes stripped, keys hidden, capped */
  output: string;
  /** null when it was killed by a signal, or the shell did not report one */
  exitCode: number | null;
  timedOut: boolean;
  /** stopped by the signal (Stop) */
  killed: boolean;
  /** the output was cut to maxOutputChars */
  truncated: boolean;
  /** how it ran */
  via: 'terminal' | 'process';
}

export interface ShellRunOptions {
  signal: AbortSignal;
  timeoutMs: number;
  maxOutputChars: number;
}

export interface ShellRunnerOptions {
  /** the stored keys, to hide from the output */
  secretsToHide: () => string[];
  log?: (line: string) => void;
  /** 'process' skips shell integration (tests); default 'auto' */
  mode?: 'auto' | 'process';
  /** how long a new terminal may take to report shell integration; default 4000 ms */
  integrationWaitMs?: number;
}

/** After Ctrl+C or SIGTERM, how long a command has to end before it is forced. */
const GRACE_MS = 2000;

export class ShellRunner implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** the "Qwen Agent" terminal, a real shell or our pseudoterminal */
  private terminal: { term: vscode.Terminal; pty?: AgentPty; keysUnset?: boolean } | undefined;
  /** shell integration did not appear once: use the child process from now on */
  private integrationMissing = false;

  constructor(private readonly opts: ShellRunnerOptions) {
    this.disposables.push(
      vscode.window.onDidCloseTerminal((t) => {
        if (this.terminal?.term === t) this.terminal = undefined;
      }),
    );
  }

  dispose(): void {
    this.terminal?.term.dispose();
    this.terminal = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** Runs `command` in `cwd` (an existing directory) and resolves when it has ended or was stopped. */
  async run(command: string, cwd: string, opts: ShellRunOptions): Promise<ShellRun> {
    const capture = new OutputCapture(opts.maxOutputChars, this.secrets());
    if (this.opts.mode !== 'process' && !this.integrationMissing) {
      const integration = await this.shellIntegration(cwd, opts.signal);
      if (opts.signal.aborted) return { output: '', exitCode: null, timedOut: false, killed: true, truncated: false, via: 'terminal' };
      if (integration) return this.runInTerminal(integration.term, integration.si, command, cwd, capture, opts);
    }
    return this.runProcess(command, cwd, capture, opts);
  }

  /** The stored keys and any key the extension host's own environment holds. */
  private secrets(): string[] {
    const fromEnv = KEY_VARIABLES.map((k) => process.env[k]).filter((v): v is string => !!v);
    let stored: string[] = [];
    try {
      stored = this.opts.secretsToHide();
    } catch {
      /* none known */
    }
    return [...stored, ...fromEnv];
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  // ---- shell integration ----------------------------------------------------------------------

  /** The real-shell terminal with integration active, creating it first; undefined when VS Code does not offer it. */
  private async shellIntegration(cwd: string, signal: AbortSignal): Promise<{ term: vscode.Terminal; si: vscode.TerminalShellIntegration } | undefined> {
    const existing = this.terminal;
    if (existing && !existing.pty && existing.term.exitStatus === undefined && existing.term.shellIntegration) {
      existing.term.show(true);
      return { term: existing.term, si: existing.term.shellIntegration };
    }
    if (existing) existing.term.dispose();
    this.terminal = undefined;
    const env: Record<string, string | null> = {};
    // null removes a variable from the environment the terminal inherits (strictEnv false keeps the rest)
    for (const k of KEY_VARIABLES) env[k] = null;
    const term = vscode.window.createTerminal({ name: AGENT_TERMINAL_NAME, cwd, env, strictEnv: false, isTransient: true, iconPath: new vscode.ThemeIcon('hubot') });
    this.terminal = { term };
    term.show(true);
    const si = await waitForIntegration(term, this.opts.integrationWaitMs ?? 4000, signal);
    if (si) return { term, si };
    if (signal.aborted) return undefined;
    this.log(`shell integration did not start within ${this.opts.integrationWaitMs ?? 4000} ms: agent commands run as child processes in this window`);
    this.integrationMissing = true;
    if (this.terminal?.term === term) this.terminal = undefined;
    term.dispose();
    return undefined;
  }

  private async runInTerminal(term: vscode.Terminal, si: vscode.TerminalShellIntegration, command: string, cwd: string, capture: OutputCapture, opts: ShellRunOptions): Promise<ShellRun> {
    const state = this.terminal!;
    // The shell's startup files may export a key again: remove it once per terminal. And a
    // previous command (`cd sub && make`) or the user may have moved the shell elsewhere.
    const setup: string[] = [];
    if (!state.keysUnset) {
      const unset = unsetKeysCommand(term.state.shell);
      if (unset) setup.push(unset);
      state.keysUnset = true;
    }
    if (!si.cwd || !samePath(si.cwd.fsPath, cwd)) setup.push(cdCommand(term.state.shell, cwd));
    if (setup.length) {
      const prep = si.executeCommand(setup.join(' ; '));
      await endOf(prep, 5000, opts.signal);
    }
    if (opts.signal.aborted) return { output: '', exitCode: null, timedOut: false, killed: true, truncated: false, via: 'terminal' };

    let ended: ((code: number | null) => void) | undefined;
    const end = new Promise<number | null>((resolve) => (ended = resolve));
    const execution = si.executeCommand(command);
    const sub = vscode.window.onDidEndTerminalShellExecution((e) => {
      if (e.execution === execution) ended!(e.exitCode ?? null);
    });
    // read() must be called at once, or the start of the output is lost
    const reading = (async () => {
      for await (const chunk of execution.read()) capture.push(chunk);
    })().catch((e) => this.log(`reading the terminal's output failed: ${String(e)}`));

    let timer: NodeJS.Timeout | undefined;
    let closed: vscode.Disposable | undefined;
    const outcome = await new Promise<'ended' | 'timeout' | 'abort' | 'closed'>((resolve) => {
      void end.then(() => resolve('ended'));
      timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
      if (opts.signal.aborted) resolve('abort');
      opts.signal.addEventListener('abort', () => resolve('abort'), { once: true });
      // the user closed the terminal: the shell and the command are gone with it
      closed = vscode.window.onDidCloseTerminal((t) => {
        if (t === term) resolve('closed');
      });
    });
    clearTimeout(timer);
    closed?.dispose();

    let exitCode: number | null = null;
    if (outcome === 'ended') {
      exitCode = await end;
    } else if (outcome !== 'closed') {
      // Ctrl+C, as the user would; a command that ignores it ends with its terminal
      term.sendText('\x03', false);
      const stopped = await Promise.race([end.then(() => true), delay(GRACE_MS).then(() => false)]);
      if (stopped) exitCode = await end;
      else {
        this.log('the command ignored Ctrl+C: closing its terminal');
        if (this.terminal?.term === term) this.terminal = undefined;
        term.dispose();
      }
    }
    sub.dispose();
    // the output stream ends with the execution; do not wait on it for long
    await Promise.race([reading, delay(500)]);
    const { text, truncated } = capture.finish();
    return { output: text, exitCode, timedOut: outcome === 'timeout', killed: outcome === 'abort' || outcome === 'closed', truncated, via: 'terminal' };
  }

  // ---- child process --------------------------------------------------------------------------

  private agentPty(): AgentPty {
    const existing = this.terminal;
    if (existing?.pty && existing.term.exitStatus === undefined && !existing.pty.closed) {
      existing.term.show(true);
      return existing.pty;
    }
    existing?.term.dispose();
    const pty = new AgentPty();
    const term = vscode.window.createTerminal({ name: AGENT_TERMINAL_NAME, pty, isTransient: true, iconPath: new vscode.ThemeIcon('hubot') });
    this.terminal = { term, pty };
    term.show(true);
    return pty;
  }

  private runProcess(command: string, cwd: string, capture: OutputCapture, opts: ShellRunOptions): Promise<ShellRun> {
    const pty = this.agentPty();
    pty.writeLine(`\x1b[1m${cwd}$ ${command}\x1b[0m`);
    return new Promise<ShellRun>((resolve, reject) => {
      if (opts.signal.aborted) {
        resolve({ output: '', exitCode: null, timedOut: false, killed: true, truncated: false, via: 'process' });
        return;
      }
      let child: ChildProcess;
      try {
        child = spawn(command, {
          shell: true,
          cwd,
          env: envWithoutKeys(process.env),
          // its own process group, so a timeout or Stop kills what it started too
          detached: process.platform !== 'win32',
          stdio: ['ignore', 'pipe', 'pipe'],
          windowsHide: true,
        });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      let timedOut = false;
      let killed = false;
      let settled = false;
      let forceTimer: NodeJS.Timeout | undefined;
      let closeTimer: NodeJS.Timeout | undefined;

      const onData = (decoder: StringDecoder) => (buf: Buffer) => {
        const text = decoder.write(buf);
        if (!text) return;
        capture.push(text);
        pty.write(text);
      };
      const outDecoder = new StringDecoder('utf8');
      const errDecoder = new StringDecoder('utf8');
      child.stdout!.on('data', onData(outDecoder));
      child.stderr!.on('data', onData(errDecoder));

      const stop = () => {
        if (forceTimer) return;
        killTree(child, 'SIGTERM');
        // kept after the shell has gone: a process in its group that ignores SIGTERM dies now
        forceTimer = setTimeout(() => killTree(child, 'SIGKILL'), GRACE_MS);
      };
      const timer = setTimeout(() => {
        timedOut = true;
        stop();
      }, opts.timeoutMs);
      const onAbort = () => {
        killed = true;
        stop();
      };
      opts.signal.addEventListener('abort', onAbort, { once: true });
      pty.onInterrupt = onAbort;

      const finish = (code: number | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(closeTimer);
        opts.signal.removeEventListener('abort', onAbort);
        pty.onInterrupt = undefined;
        for (const d of [outDecoder, errDecoder]) {
          const rest = d.end();
          if (rest) capture.push(rest);
        }
        const { text, truncated } = capture.finish();
        pty.writeLine('');
        pty.writeLine(`\x1b[2m${timedOut ? vscode.l10n.t('Timed out: stopped.') : killed ? vscode.l10n.t('Stopped.') : vscode.l10n.t('Exit code {0}', String(code))}\x1b[0m`);
        resolve({ output: text, exitCode: code, timedOut, killed, truncated, via: 'process' });
      };

      child.on('error', (e) => {
        if (settled) return;
        if (child.pid === undefined) {
          // it never started (a missing directory or shell)
          settled = true;
          clearTimeout(timer);
          opts.signal.removeEventListener('abort', onAbort);
          pty.onInterrupt = undefined;
          pty.writeLine(e.message);
          reject(e);
        } else this.log(`agent command: ${e.message}`);
      });
      child.on('close', (code) => finish(code));
      // A grandchild that left the group may hold the pipes open after the shell exited: do not
      // wait for it beyond a moment.
      child.on('exit', (code) => {
        closeTimer = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish(code);
        }, 1000);
      });
    });
  }
}

// ---- helpers ------------------------------------------------------------------------------------

/** The extension host's environment without the key variables (any case, for Windows). */
export function envWithoutKeys(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  const keys = new Set<string>(KEY_VARIABLES);
  for (const [k, v] of Object.entries(env)) if (!keys.has(k.toUpperCase())) out[k] = v;
  return out;
}

function killTree(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null) {
    // the shell is gone, but its group may live on
    if (child.pid !== undefined && process.platform !== 'win32') {
      try {
        process.kill(-child.pid, sig);
      } catch {
        /* gone */
      }
    }
    return;
  }
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' }).on('error', () => child.kill());
    return;
  }
  try {
    process.kill(-child.pid, sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      /* gone */
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function samePath(a: string, b: string): boolean {
  const norm = (p: string) => path.resolve(p).replace(/[\\/]+$/, '');
  return process.platform === 'win32' || process.platform === 'darwin' ? norm(a).toLowerCase() === norm(b).toLowerCase() : norm(a) === norm(b);
}

/** Resolves with the terminal's shell integration once it is active, or undefined after `ms` or on abort. */
function waitForIntegration(term: vscode.Terminal, ms: number, signal: AbortSignal): Promise<vscode.TerminalShellIntegration | undefined> {
  if (term.shellIntegration) return Promise.resolve(term.shellIntegration);
  return new Promise((resolve) => {
    const done = (si: vscode.TerminalShellIntegration | undefined) => {
      clearTimeout(timer);
      sub.dispose();
      closed.dispose();
      signal.removeEventListener('abort', onAbort);
      resolve(si);
    };
    const onAbort = () => done(undefined);
    const sub = vscode.window.onDidChangeTerminalShellIntegration((e) => {
      if (e.terminal === term) done(e.shellIntegration);
    });
    const closed = vscode.window.onDidCloseTerminal((t) => {
      if (t === term) done(undefined);
    });
    const timer = setTimeout(() => done(term.shellIntegration), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves when `execution` ends, after `ms`, or on abort, whichever is first. */
function endOf(execution: vscode.TerminalShellExecution, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      sub.dispose();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const sub = vscode.window.onDidEndTerminalShellExecution((e) => {
      if (e.execution === execution) done();
    });
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** `'…'` for POSIX shells and fish (`'\''` works in both), `'…'` with `''` for PowerShell. */
function quote(shell: string | undefined, s: string): string {
  return isPowerShell(shell) ? `'${s.replace(/'/g, "''")}'` : `'${s.replace(/'/g, "'\\''")}'`;
}

function isPowerShell(shell: string | undefined): boolean {
  return shell === 'pwsh' || shell === 'powershell';
}

function cdCommand(shell: string | undefined, dir: string): string {
  return isPowerShell(shell) ? `Set-Location -LiteralPath ${quote(shell, dir)}` : `cd ${quote(shell, dir)}`;
}

/** The shell's own way to remove the key variables; undefined for a shell we do not know. */
function unsetKeysCommand(shell: string | undefined): string | undefined {
  switch (shell) {
    case 'bash':
    case 'zsh':
    case 'sh':
    case 'ksh':
      return `unset ${KEY_VARIABLES.join(' ')}`;
    case 'fish':
      return `set -e ${KEY_VARIABLES.join(' ')}`;
    case 'pwsh':
    case 'powershell':
      return `Remove-Item ${KEY_VARIABLES.map((k) => `Env:${k}`).join(',')} -ErrorAction SilentlyContinue`;
    default:
      return undefined;
  }
}

/**
 * The "Qwen Agent" terminal when commands run as child processes: shows each command and its
 * output as it arrives, and Ctrl+C typed in it stops the running command. Text written before
 * the terminal opened is kept (bounded) and shown when it does.
 */
class AgentPty implements vscode.Pseudoterminal {
  private readonly emitter = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.emitter.event;
  private opened = false;
  private early: string[] = [];
  private earlyLength = 0;
  closed = false;
  onInterrupt: (() => void) | undefined;

  open(): void {
    this.opened = true;
    const text = this.early.join('');
    this.early = [];
    this.earlyLength = 0;
    if (text) this.emitter.fire(text);
  }

  close(): void {
    this.closed = true;
    this.onInterrupt?.();
    this.emitter.dispose();
  }

  handleInput(data: string): void {
    if (data === '\x03') this.onInterrupt?.();
  }

  /** Output as a terminal wants it: \n becomes \r\n. */
  write(text: string): void {
    if (this.closed) return;
    const t = text.replace(/\r?\n/g, '\r\n');
    if (this.opened) {
      this.emitter.fire(t);
      return;
    }
    this.early.push(t);
    this.earlyLength += t.length;
    while (this.earlyLength > 200_000 && this.early.length > 1) this.earlyLength -= this.early.shift()!.length;
  }

  writeLine(text: string): void {
    this.write(`${text}\n`);
  }
}
