// agent.step_overhead_ms: the task runner's own work per step, in plain Node: assembling the
// streamed call (the client's decoder reading the tool-call fragments), running read_file on a
// 2,000-line file through a stand-in tool host, and building the next request (the client's
// request body), at step 1 and at step 100 of one task.
//
// The network is left out by construction: each step's answer is the fake server's own stream
// (its tool-call stream builder, the bytes it would send, built before the task starts) pushed
// through the client's real ChatStreamDecoder in the same process, and the request is built by
// the client's buildRequestBody but not sent. The JSON serialization of the whole history, which
// grows with the task, is timed apart on each request's body and reported beside the figure.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AgentTask, type AgentEnv } from '../src/agent/task';
import { TOOL_NAMES, type ToolCallRequest, type ToolHost, type ToolOutcome } from '../src/agent/types';
import { ChatStreamDecoder } from '../src/qwen';
import { getModelInfo } from '../src/qwen/catalog';
import { PROVIDERS } from '../src/qwen/providers';
import { buildRequestBody } from '../src/qwen/request';
import type { ChatRequest, ChatResult, StreamOptions } from '../src/qwen/types';
import type { StoredTurn } from '../src/turns/turn';
import { dashscopeStream } from '../test/fake-qwen/sse';
import { toolCallStream } from '../test/fake-qwen/toolCalls';

const STEPS = 100;
const MODEL = 'qwen3-coder-plus';
const BUDGET_MS = Number(process.env.QWEN_BENCH_BUDGET_MS || 10_000);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** read_file as the real tool does it on a file on disk: the lines asked for, the note when there are more. */
class StandInHost implements ToolHost {
  constructor(private readonly file: string) {}
  available() {
    return TOOL_NAMES;
  }
  async run(call: ToolCallRequest): Promise<ToolOutcome> {
    const text = readFileSync(this.file, 'utf8');
    const lines = text.split('\n');
    const offset = Number(call.args.offset ?? 0);
    const limit = Number(call.args.limit ?? 2000);
    const shown = lines.slice(offset, offset + limit);
    const note = offset > 0 || lines.length > offset + limit ? `[Showing lines ${offset + 1}-${offset + shown.length} of ${lines.length}. Use offset and limit to read more.]\n` : '';
    return { status: 'done', content: note + shown.join('\n'), facts: { path: 'big.ts', startLine: offset + 1, endLine: offset + shown.length, totalLines: lines.length } };
  }
}

/** Each step's answer as the server sends it, in network-sized pieces: a read_file call, and at the end the answer. */
function recordedAnswers(): Buffer[][] {
  const answers: Buffer[][] = [];
  for (let k = 0; k <= STEPS; k++) {
    const sse = k < STEPS ? toolCallStream([{ name: 'read_file', args: JSON.stringify({ file_path: 'big.ts', offset: k % 10 }) }], { text: 'Reading.', promptTokens: 2000 + k * 9000 }) : dashscopeStream(MODEL, 'Done.');
    answers.push(sse.split(/(?<=\n\n)/).map((e) => Buffer.from(e)));
  }
  return answers;
}

async function oneTask(file: string, answers: Buffer[][]): Promise<{ own: number[]; json: number[] }> {
  const info = getModelInfo(MODEL);
  const preset = PROVIDERS['dashscope-intl'];
  const serialization: number[] = [];
  let n = 0;
  const streamer = {
    async streamChat(req: ChatRequest, opts?: StreamOptions): Promise<ChatResult> {
      const body = buildRequestBody(req, { stream: true, info, preset });
      const t = performance.now();
      JSON.stringify(body);
      serialization.push(performance.now() - t);
      const d = new ChatStreamDecoder(opts?.onEvent, { provider: 'dashscope-intl', host: 'bench', model: MODEL, secrets: [] });
      for (const piece of answers[Math.min(n++, STEPS)]!) d.push(piece);
      d.end();
      return d.result;
    },
  };
  const cpuAtStep: number[] = [];
  let last = performance.now();
  const env: AgentEnv = {
    client: async () => ({ client: streamer, model: MODEL }),
    system: async () => ({ folders: [join(file, '..')], platform: process.platform, shell: '/bin/bash', trusted: true }),
    host: new StandInHost(file),
    maxSteps: () => STEPS + 5,
    maxCostUsd: () => 0,
    scrub: (t) => t.split('sk-bench').join('[key]'),
    post: () => undefined,
    errorMessage: (e) => String(e),
    log: { warn: () => undefined, error: (e) => console.error(e) },
    onStep: () => {
      const c = performance.now();
      cpuAtStep.push(c - last);
      last = c;
    },
  };
  const turn: StoredTurn = { id: `bench-${Date.now()}`, question: 'read big.ts again and again', context: [], parts: [], status: 'streaming', mode: 'agent', model: MODEL };
  await new AgentTask(env, turn, [], new AbortController()).run();
  if (turn.status !== 'done' || cpuAtStep.length < STEPS) throw new Error(`the task ended ${turn.status} after ${cpuAtStep.length} steps: ${turn.error?.message ?? ''}`);
  // serialization[i] was timed inside step i+1; it comes off that step's time.
  const own = cpuAtStep.map((c, i) => c - (serialization[i] ?? 0));
  return { own, json: serialization };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qwen-agent-bench-'));
  const file = join(dir, 'big.ts');
  const lines: string[] = [];
  for (let i = 0; i < 2000; i++) lines.push(`export function handler${i}(input: string): number { return input.length * ${i} + ${i % 7}; } // line ${i + 1}`);
  writeFileSync(file, lines.join('\n'));
  const answers = recordedAnswers();
  try {
    await oneTask(file, answers); // warm-up: JIT
    const step1: number[] = [];
    const step100: number[] = [];
    const json1: number[] = [];
    const json100: number[] = [];
    const started = performance.now();
    let rounds = 0;
    while (rounds < 3 || (rounds < 7 && performance.now() - started < BUDGET_MS * 0.6)) {
      const r = await oneTask(file, answers);
      step1.push(r.own[0]!);
      step100.push(median(r.own.slice(STEPS - 5, STEPS)));
      json1.push(r.json[0]!);
      json100.push(median(r.json.slice(STEPS - 5, STEPS)));
      rounds++;
    }
    const s1 = median(step1);
    const s100 = median(step100);
    console.log(`agent step overhead: step 1 ${s1.toFixed(2)} ms, step 100 ${s100.toFixed(2)} ms; history JSON ${median(json1).toFixed(2)} / ${median(json100).toFixed(2)} ms (${rounds} tasks of ${STEPS} steps)`);
    console.log(
      `BENCH_RESULT ${JSON.stringify({
        'agent.step_overhead_ms': {
          value: Math.round(Math.max(s1, s100) * 100) / 100,
          unit: 'ms',
          note: `the larger of step 1 (${s1.toFixed(2)} ms) and step 100 (${s100.toFixed(2)} ms, median of steps 96-100): time per step from the end of one step to the end of the next, all in one process with no network (the fake server's recorded tool-call stream through the client's decoder, read_file of a 2,000-line file through a stand-in host, the next request body built by the client), minus the history's JSON serialization, which is ${median(json1).toFixed(2)} ms at step 1 and ${median(json100).toFixed(2)} ms at step 100; median of ${rounds} tasks after a warm-up`,
        },
        'agent.history_json_ms_step100': {
          value: Math.round(median(json100) * 100) / 100,
          unit: 'ms',
          note: 'JSON serialization of the request messages at step 100 (excluded from agent.step_overhead_ms; older results are cut to 32,000 characters each)',
        },
      })}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
