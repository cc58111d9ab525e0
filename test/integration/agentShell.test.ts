// The agent's run_shell_command in the real extension host: a command runs only when approved (or
// approved by a prefix that matches it alone), its output and exit code reach the result, the key
// variables never reach its environment and stored keys never reach its output, output is capped
// to head and tail, and a timeout or Stop kills it. Each case runs both ways the runner has: the
// terminal with shell integration where this VS Code offers it (else its child-process fallback),
// and the child process forced.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { AGENT_TERMINAL_NAME, ShellRunner } from '../../src/agent/vscode/shellRunner';
import { ShellTool, type ShellApprovalRequest, type ShellToolSettings } from '../../src/agent/vscode/shellTool';
import type { ToolCallRequest, ToolOutcome, ToolRunContext } from '../../src/agent/types';
import type { ToolFacts } from '../../src/protocol/messages';
import { waitFor } from './helpers';

const STORED_KEY = 'STORED-KEY-abc123xyz';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

for (const mode of ['auto', 'process'] as const) {
  describe(`agent run_shell_command (${mode})`, function () {
    /** "Qwen Agent" terminals that are not this suite's runner's (the extension's own, from an earlier suite) */
    let othersBefore: vscode.Terminal[] = [];
    this.timeout(60_000);
    let runner: ShellRunner;
    let ws: string;
    let dir: string;
    let callNo = 0;
    const log: string[] = [];
    const vias: string[] = [];
    let settings: ShellToolSettings = { autoApprove: [], timeoutMs: 30_000 };
    let approvals: ShellApprovalRequest[] = [];
    let answer: (req: ShellApprovalRequest) => Promise<boolean> = async () => true;
    let tool: ShellTool;

    const envSetting = `env.${process.platform === 'win32' ? 'windows' : process.platform === 'darwin' ? 'osx' : 'linux'}`;

    before(async () => {
      othersBefore = vscode.window.terminals.filter((t) => t.name === AGENT_TERMINAL_NAME);
      // A terminal's environment gets terminal.integrated.env.* on top of the window's: a key put
      // there must still not reach the agent's commands.
      await vscode.workspace.getConfiguration('terminal.integrated').update(envSetting, { DASHSCOPE_API_KEY: 'sk-from-terminal-settings-42' }, vscode.ConfigurationTarget.Global);
      ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
      dir = join(ws, `agentShell-${mode}`);
      mkdirSync(join(dir, 'sub'), { recursive: true });
      runner = new ShellRunner({ secretsToHide: () => [STORED_KEY], log: (l) => log.push(l), mode, integrationWaitMs: 8000 });
      // records how each command ran (the terminal or the child process)
      const run = runner.run.bind(runner);
      runner.run = async (...a) => {
        const r = await run(...a);
        vias.push(r.via);
        return r;
      };
      tool = new ShellTool(runner, () => [ws], (req) => {
        approvals.push(req);
        return answer(req);
      }, () => settings);
    });

    after(async () => {
      await vscode.workspace.getConfiguration('terminal.integrated').update(envSetting, undefined, vscode.ConfigurationTarget.Global);
      runner.dispose();
      rmSync(dir, { recursive: true, force: true });
      console.log(`[agentShell ${mode}] ran via ${[...new Set(vias)].join(', ')}; runner log: ${log.join(' | ') || '(nothing)'}`);
    });

    beforeEach(() => {
      settings = { autoApprove: [], timeoutMs: 30_000 };
      approvals = [];
      answer = async () => true;
    });

    /** Runs one call; `abortAfterRunningMs` presses Stop that long after the command starts. */
    async function call(args: Record<string, unknown>, opts: { abortAfterRunningMs?: number; abortWhilePending?: boolean } = {}): Promise<{ outcome: ToolOutcome; states: Array<{ status: string; facts?: ToolFacts }>; ms: number; stopAt?: number }> {
      const ac = new AbortController();
      const states: Array<{ status: string; facts?: ToolFacts }> = [];
      let stopAt: number | undefined;
      const ctx: ToolRunContext = {
        signal: ac.signal,
        taskId: 'task-1',
        progress: (status, facts) => {
          states.push({ status, facts });
          if (status === 'running' && opts.abortAfterRunningMs !== undefined) setTimeout(() => { stopAt = Date.now(); ac.abort(); }, opts.abortAfterRunningMs);
          if (status === 'pending' && opts.abortWhilePending) setTimeout(() => ac.abort(), 200);
        },
      };
      const req: ToolCallRequest = { id: `call-${mode}-${++callNo}`, name: 'run_shell_command', args: { directory: dir, ...args } };
      const t0 = Date.now();
      const outcome = await tool.run(req, ctx);
      return { outcome, states, ms: Date.now() - t0, stopAt };
    }

    it('runs an approved command and returns its output and exit code', async () => {
      const { outcome, states } = await call({ command: `node -e "console.log('hi'); process.exit(3)"` });
      assert.equal(outcome.status, 'done', outcome.content);
      assert.match(outcome.content, /^Exit code: 3\n\n/);
      assert.match(outcome.content, /\bhi\b/);
      assert.doesNotMatch(outcome.content, /\x1b/, 'no escape sequences');
      assert.equal(outcome.facts?.exitCode, 3);
      assert.equal(outcome.facts?.timedOut, false);
      assert.equal(outcome.facts?.directory, `agentShell-${mode}`);
      assert.deepEqual(states.map((s) => s.status), ['pending', 'running']);
      assert.equal(approvals.length, 1);
      assert.equal(approvals[0]!.command, `node -e "console.log('hi'); process.exit(3)"`);
      assert.equal(approvals[0]!.directory, dir);
      assert.ok(vscode.window.terminals.some((t) => t.name === AGENT_TERMINAL_NAME), 'a "Qwen Agent" terminal exists');
      if (mode === 'process') assert.deepEqual(vias, ['process']);
    });

    it('runs in the directory asked for, relative to the first folder', async () => {
      const { outcome } = await call({ command: `node -e "console.log('cwd=' + process.cwd())"`, directory: `agentShell-${mode}/sub` });
      assert.equal(outcome.status, 'done', outcome.content);
      assert.ok(outcome.content.includes(`cwd=${join(dir, 'sub')}`), outcome.content);
      const back = await call({ command: `node -e "console.log('cwd=' + process.cwd())"` });
      assert.ok(back.outcome.content.includes(`cwd=${dir}\n`) || back.outcome.content.trimEnd().endsWith(`cwd=${dir}`), back.outcome.content);
    });

    it('keeps the key variables out of the environment and stored keys out of the output', async () => {
      const before = process.env.DASHSCOPE_API_KEY;
      process.env.DASHSCOPE_API_KEY = 'sk-test-secret-123';
      try {
        const { outcome } = await call({ command: `node -e "console.log('env=' + (process.env.DASHSCOPE_API_KEY ?? 'absent'))"` });
        assert.equal(outcome.status, 'done', outcome.content);
        // a leaked key would show as env=*** or env=sk-***: only "absent" proves it was not there
        assert.match(outcome.content, /env=absent/);
        assert.ok(!outcome.content.includes('sk-test-secret-123'));
        assert.ok(!outcome.content.includes('from-terminal-settings'));
      } finally {
        if (before === undefined) delete process.env.DASHSCOPE_API_KEY;
        else process.env.DASHSCOPE_API_KEY = before;
      }
      // the key is put together by the command, so only its output holds it whole
      const { outcome } = await call({ command: `node -e "console.log('k=' + 'STORED-KEY-' + 'abc123xyz' + '.')"` });
      assert.equal(outcome.status, 'done', outcome.content);
      assert.ok(!outcome.content.includes(STORED_KEY), outcome.content);
      assert.match(outcome.content, /k=\*\*\*\./);
    });

    it('keeps the head and the tail of a long output', async () => {
      settings = { autoApprove: [], timeoutMs: 30_000, maxOutputChars: 2000 };
      const { outcome } = await call({ command: `node -e "for (let i = 0; i < 5000; i++) console.log('line' + i)"` });
      assert.equal(outcome.status, 'done', outcome.content);
      const output = outcome.content.replace(/^Exit code: 0\n\n/, '');
      assert.ok(output.length <= 2100, `output is ${output.length} characters`);
      assert.ok(output.startsWith('line0\nline1\n'), output.slice(0, 100));
      assert.ok(output.trimEnd().endsWith('line4998\nline4999'), output.slice(-100));
      assert.match(output, /\[… \d+ characters cut …\]/);
      assert.equal(outcome.facts?.truncated, true);
    });

    it('kills a command that passes the time limit', async () => {
      settings = { autoApprove: [], timeoutMs: 1500 };
      const pidFile = join(dir, 'timeout.pid');
      const { outcome, ms } = await call({ command: `node -e "require('fs').writeFileSync('timeout.pid', String(process.pid)); setInterval(() => {}, 1000)"` });
      assert.equal(outcome.status, 'done', outcome.content);
      assert.equal(outcome.facts?.timedOut, true);
      assert.match(outcome.content, /did not finish within 2 s and was stopped/);
      assert.ok(ms < 10_000, `took ${ms} ms`);
      console.log(`      ended after ${ms} ms (limit 1500 ms)`);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      await waitFor('the timed-out command to be gone', () => !alive(pid), 5000);
    });

    it('kills a running command at once when Stop is pressed', async () => {
      const pidFile = join(dir, 'stop.pid');
      const { outcome, stopAt } = await call({ command: `node -e "require('fs').writeFileSync('stop.pid', String(process.pid)); setInterval(() => {}, 1000)"` }, { abortAfterRunningMs: 1500 });
      const afterStop = Date.now() - stopAt!;
      console.log(`      ended ${afterStop} ms after Stop`);
      assert.equal(outcome.status, 'done', outcome.content);
      assert.match(outcome.content, /The user stopped the command/);
      assert.ok(afterStop < 4000, `ended ${afterStop} ms after Stop`);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      await waitFor('the stopped command to be gone', () => !alive(pid), 5000);
    });

    it('kills a command that ignores SIGINT and SIGTERM', async () => {
      settings = { autoApprove: [], timeoutMs: 1500 };
      const pidFile = join(dir, 'stubborn.pid');
      const { outcome, ms } = await call({ command: `node -e "for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => {}); require('fs').writeFileSync('stubborn.pid', String(process.pid)); setInterval(() => {}, 1000)"` });
      assert.equal(outcome.facts?.timedOut, true);
      assert.ok(ms < 10_000, `took ${ms} ms`);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      await waitFor('the stubborn command to be gone', () => !alive(pid), 8000);
    });

    it('runs nothing when the user declines', async () => {
      answer = async () => false;
      const { outcome, states } = await call({ command: `node -e "require('fs').writeFileSync('denied.txt', 'x')"` });
      assert.equal(outcome.status, 'denied');
      assert.equal(outcome.content, 'The user declined to run this command.');
      assert.deepEqual(states.map((s) => s.status), ['pending']);
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(existsSync(join(dir, 'denied.txt')), false, 'the command did not run');
    });

    it('counts Stop while waiting for approval as declined, and runs nothing', async () => {
      answer = () => new Promise<boolean>(() => undefined); // the user never answers
      const { outcome } = await call({ command: `node -e "require('fs').writeFileSync('stopped.txt', 'x')"` }, { abortWhilePending: true });
      assert.equal(outcome.status, 'denied');
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(existsSync(join(dir, 'stopped.txt')), false);
    });

    it('runs a command an approved prefix matches without asking', async () => {
      settings = { autoApprove: ['node -e'], timeoutMs: 30_000 };
      answer = async () => assert.fail('approve must not be called');
      const { outcome, states } = await call({ command: `node -e "console.log('auto-ran')"` });
      assert.equal(outcome.status, 'done', outcome.content);
      assert.match(outcome.content, /auto-ran/);
      assert.equal(outcome.facts?.autoApproved, true);
      assert.equal(approvals.length, 0);
      assert.deepEqual(states.map((s) => s.status), ['running']);
    });

    it('still asks for a compound command behind an approved prefix', async () => {
      settings = { autoApprove: ['node -e'], timeoutMs: 30_000 };
      answer = async () => false;
      const { outcome } = await call({ command: `node -e "console.log(1)" && node -e "require('fs').writeFileSync('compound.txt', 'x')"` });
      assert.equal(approvals.length, 1, 'the user was asked');
      assert.equal(outcome.status, 'denied');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(existsSync(join(dir, 'compound.txt')), false);
    });

    it('reuses one "Qwen Agent" terminal and makes a new one when the user closed it', async () => {
      // The extension's own runner may have made one for an earlier suite's task: only this runner's count.
      const agentTerminals = () => vscode.window.terminals.filter((t) => t.name === AGENT_TERMINAL_NAME && !othersBefore.includes(t));
      await call({ command: `node -e "console.log('one')"` });
      assert.equal(agentTerminals().length, 1, 'one terminal after several commands');
      const first = agentTerminals()[0]!;
      first.dispose();
      await waitFor('the terminal to close', () => !vscode.window.terminals.includes(first));
      const { outcome } = await call({ command: `node -e "console.log('two')"` });
      assert.equal(outcome.status, 'done', outcome.content);
      assert.match(outcome.content, /^Exit code: 0\n\ntwo\n?$/);
      assert.equal(agentTerminals().length, 1);
      assert.notEqual(agentTerminals()[0], first);
    });

    it('refuses an empty command, a directory outside the workspace and a missing one', async () => {
      for (const args of [{ command: '' }, { command: '   ' }, {}]) {
        const { outcome } = await call(args);
        assert.equal(outcome.status, 'error');
      }
      const outside = await call({ command: 'node -v', directory: '/' });
      assert.equal(outside.outcome.status, 'error');
      assert.match(outside.outcome.content, /outside the workspace/);
      const missing = await call({ command: 'node -v', directory: `agentShell-${mode}/nope` });
      assert.equal(missing.outcome.status, 'error');
      assert.match(missing.outcome.content, /not an existing directory/);
      assert.equal(approvals.length, 0, 'nothing was asked');
    });
  });
}
