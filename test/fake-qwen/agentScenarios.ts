// Scripted agents for the integration tests, the end-to-end tests and the bench: each answer depends
// on how many tool results the request already carries, so one scenario plays a whole task.
import type { Scenario } from './scenarios';
import { dashscopeStream } from './sse';
import { toolCallStream } from './toolCalls';

function toolResults(body: any): number {
  return Array.isArray(body?.messages) ? body.messages.filter((m: any) => m?.role === 'tool').length : 0;
}

export const AGENT_SCENARIOS: Record<string, Scenario> = {
  'agent-demo': {
    description: 'an agent task: reads `file`, edits `old` to `new` in it, runs `cmd`, then answers (params file, old, new, cmd)',
    run: (ctx) => {
      const p = (k: string, d: string) => ctx.params.get(k) ?? d;
      const file = p('file', 'src/math.js');
      const steps = [
        () => toolCallStream([{ name: 'read_file', args: JSON.stringify({ file_path: file }) }], { text: `I'll read ${file} first.` }),
        () => toolCallStream([{ name: 'edit', args: JSON.stringify({ file_path: file, old_string: p('old', 'a - b'), new_string: p('new', 'a + b') }) }], { text: 'Found it: the function subtracts. Fixing it.' }),
        () => toolCallStream([{ name: 'run_shell_command', args: JSON.stringify({ command: p('cmd', 'node check.js'), description: 'Check the fix' }) }]),
        () => dashscopeStream(ctx.model, `Fixed \`${file}\` and ran the check. 已修复。`),
      ];
      return ctx.sse(steps[Math.min(toolResults(ctx.body), steps.length - 1)]!());
    },
  },
  'agent-steps': {
    description: 'an agent that reads `file` with read_file until it has `n` results (default 100), then answers',
    run: (ctx) => {
      const n = Number(ctx.params.get('n') ?? 100);
      const done = toolResults(ctx.body);
      if (done >= n) return ctx.sse(dashscopeStream(ctx.model, `Read it ${done} times.`));
      return ctx.sse(toolCallStream([{ name: 'read_file', args: JSON.stringify({ file_path: ctx.params.get('file') ?? 'big.ts', offset: done % 10 }) }], { text: 'Reading.', promptTokens: 2000 + done * 9000 }));
    },
  },
};
