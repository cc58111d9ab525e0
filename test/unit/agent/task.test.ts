// The agent's task runner in plain Node against the fake server's scripted tool-call streams, with
// a stand-in tool host. Each test asserts the exact messages the server received (tool results
// included), what the turn's rows say, and how the task ended.
import * as assert from 'node:assert/strict';
import { AgentTask, type AgentEnv } from '../../../src/agent/task';
import type { ToolCallRequest, ToolHost, ToolName, ToolOutcome, ToolRunContext } from '../../../src/agent/types';
import { TOOL_NAMES } from '../../../src/agent/types';
import { parseHostMessage, type HostToWebview, type ToolCallPart } from '../../../src/protocol/messages';
import { joinedText } from '../../../src/protocol/parts';
import type { StoredTurn } from '../../../src/turns/turn';
import { toolCallStream, type ScriptedCall, type ToolStreamOptions } from '../../fake-qwen/toolCalls';
import { dashscopeStream } from '../../fake-qwen/sse';
import type { RecordedRequest } from '../../fake-qwen/server';
import { clientFor, useFakeQwen } from '../qwen/helpers';

const FILE = 'export function add(a: number, b: number) {\n  return a - b;\n}\n';

/** A stand-in tool host: read_file of a known file, edits recorded, anything else scripted. */
class StandInHost implements ToolHost {
  calls: ToolCallRequest[] = [];
  tools: ToolName[] = [...TOOL_NAMES];
  /** per tool: what to answer (default: a plausible result) */
  answers: Partial<Record<ToolName, (c: ToolCallRequest, ctx: ToolRunContext) => Promise<ToolOutcome> | ToolOutcome>> = {};
  available() {
    return this.tools;
  }
  async run(call: ToolCallRequest, ctx: ToolRunContext): Promise<ToolOutcome> {
    this.calls.push(call);
    const a = this.answers[call.name];
    if (a) return a(call, ctx);
    if (call.name === 'read_file') return { status: 'done', content: FILE, facts: { path: String(call.args.file_path), startLine: 1, endLine: 3, totalLines: 3 } };
    return { status: 'done', content: `${call.name} ok` };
  }
}

function newTurn(question: string, extra: Partial<StoredTurn> = {}): StoredTurn {
  return { id: 'task-0001-aaaa', question, context: [], parts: [], status: 'streaming', model: 'qwen3-coder-plus', mode: 'agent', ...extra };
}

describe('agent task runner', function () {
  this.timeout(20_000);
  const fake = useFakeQwen();

  function setup(over: Partial<AgentEnv> = {}) {
    const posted: HostToWebview[] = [];
    const logged: string[] = [];
    const host = new StandInHost();
    const client = clientFor(fake.server);
    const env: AgentEnv = {
      client: async () => ({ client, model: 'qwen3-coder-plus' }),
      system: async () => ({ folders: ['/work/demo'], platform: 'linux', shell: '/bin/bash', trusted: true }),
      host,
      maxSteps: () => 25,
      maxCostUsd: () => 0,
      scrub: (t) => t.split('sk-secret-key-1234').join('[hidden]'),
      post: (m) => posted.push(m),
      errorMessage: (e) => `failed: ${(e as Error).message}`,
      log: { warn: (m) => logged.push(m), error: (m) => logged.push(String(m)) },
      ...over,
    };
    return { env, host, posted, logged };
  }

  /** Queues one scripted answer per request, in order. */
  function script(...replies: Array<{ calls: ScriptedCall[]; opts?: ToolStreamOptions } | string>) {
    let n = 0;
    fake.server.setScenario(async (ctx) => {
      const r = replies[Math.min(n++, replies.length - 1)]!;
      await ctx.sse(typeof r === 'string' ? dashscopeStream('qwen3-coder-plus', r) : toolCallStream(r.calls, r.opts));
    });
  }

  const posts = (): RecordedRequest[] => fake.server.requests.filter((r) => r.method === 'POST');
  /** a message's text: DashScope's cache marks turn some contents into parts */
  const text = (m: any): string | null => (Array.isArray(m.content) ? m.content.map((p: any) => p.text).join('') : m.content);
  const toolTexts = (i: number): string[] => posts()[i]!.body.messages.filter((m: any) => m.role === 'tool').map(text);
  const rows = (t: StoredTurn) => t.parts.filter((p): p is ToolCallPart => p.kind === 'toolCall');

  it('read → edit → answer: results go back as tool messages with the call ids, in order, and the answer ends the task', async () => {
    script(
      { calls: [{ id: 'call_r1', name: 'read_file', args: '{"file_path": "src/math.ts"}' }], opts: { text: 'Let me look at the file.' } },
      { calls: [{ id: 'call_e1', name: 'edit', args: JSON.stringify({ file_path: 'src/math.ts', old_string: 'a - b', new_string: 'a + b' }) }] },
      'Fixed: `add` now adds.',
    );
    const { env, host, posted } = setup();
    const turn = newTurn('[[x]] fix add');
    await new AgentTask(env, turn, [], new AbortController()).run();

    assert.equal(turn.status, 'done');
    assert.equal(turn.steps, 3);
    assert.deepEqual(host.calls.map((c) => [c.name, c.args]), [
      ['read_file', { file_path: 'src/math.ts' }],
      ['edit', { file_path: 'src/math.ts', old_string: 'a - b', new_string: 'a + b' }],
    ]);
    const reqs = posts();
    assert.equal(reqs.length, 3);
    // every request offers the tools, asks for auto choice and DashScope's cache
    for (const r of reqs) {
      assert.deepEqual(r.body.tools.map((t: any) => t.function.name), [...TOOL_NAMES]);
      assert.equal(r.body.tool_choice, 'auto');
    }
    const third = reqs[2]!.body.messages;
    assert.equal(third[0].role, 'system');
    assert.match(JSON.stringify(third[0].content), /\/work\/demo/);
    assert.deepEqual(third.slice(1).map((m: any) => m.role), ['user', 'assistant', 'tool', 'assistant', 'tool']);
    assert.equal(third[2].content, 'Let me look at the file.');
    assert.equal(third[2].tool_calls[0].id, 'call_r1');
    assert.equal(third[2].tool_calls[0].function.arguments, '{"file_path": "src/math.ts"}');
    assert.equal(third[3].tool_call_id, 'call_r1');
    assert.equal(third[3].content, FILE);
    assert.equal(third[4].content, null);
    assert.equal(third[5].tool_call_id, 'call_e1');
    assert.equal(text(third[5]), 'edit ok');
    // the turn reads as text, a row, a row, the answer
    assert.deepEqual(turn.parts.map((p) => p.kind), ['text', 'toolCall', 'toolCall', 'text']);
    assert.deepEqual(rows(turn).map((r) => [r.name, r.status]), [['read_file', 'done'], ['edit', 'done']]);
    assert.equal(joinedText(turn.parts, 'text'), 'Let me look at the file.Fixed: `add` now adds.');
    // usage adds up over the steps, and the view heard of each step
    assert.ok(turn.usage && turn.usage.promptTokens >= 1800);
    assert.deepEqual(posted.filter((m) => m.type === 'agentProgress').map((m) => (m as { steps: number }).steps), [1, 2, 3]);
    const end = posted.at(-1)!;
    assert.equal(end.type, 'turnEnd');
    // every message the view is sent passes the view's own check
    for (const m of posted) assert.equal(parseHostMessage(JSON.parse(JSON.stringify(m))).reason, undefined, JSON.stringify(m).slice(0, 300));
  });

  it('the task is shown with its first words, after its first request left: one message for the view', async () => {
    script('Done, nothing to change.');
    const at: Array<[string, number]> = [];
    const { env, posted } = setup({ post: (m) => (posted.push(m), at.push([m.type, Date.now()])) });
    const turn = newTurn('go');
    await new AgentTask(env, turn, [], new AbortController()).run();
    const start = posted[0]!;
    assert.ok(start.type === 'turnStart', posted.map((m) => m.type).join(', '));
    const first = joinedText(start.turn.parts, 'text');
    assert.ok(first.length > 0 && 'Done, nothing to change.'.startsWith(first), `the first words came with the task: ${first}`);
    const deltas = posted.map((m) => (m.type === 'delta' ? (m.text ?? '') : '')).join('');
    assert.equal(first + deltas, 'Done, nothing to change.', 'each word once');
    assert.ok(posts()[0]!.receivedAt <= at[0]![1], 'the request reached the server before the view heard of the task');
  });

  it('parallel calls with empty ids on every fragment: each gets a unique id and its result, in order', async () => {
    script(
      {
        calls: [
          { name: 'read_file', args: '{"file_path":"a.ts"}' },
          { name: 'read_file', args: '{"file_path":"b.ts"}' },
          { name: 'glob', args: '{"pattern":"**/*.md"}' },
        ],
        opts: { ids: 'empty', trailingEmptyFunction: true },
      },
      { calls: [{ name: 'read_file', args: '{"file_path":"c.ts"}' }], opts: { ids: 'empty' } },
      'Done.',
    );
    const { env, host } = setup();
    // an earlier turn of the conversation already used the ids a naive client would invent
    const turn = newTurn('read them');
    await new AgentTask(env, turn, [], new AbortController(), false, ['call_0', 'call_1']).run();
    assert.deepEqual(host.calls.map((c) => c.args.file_path ?? c.args.pattern), ['a.ts', 'b.ts', '**/*.md', 'c.ts']);
    const last = posts()[2]!.body.messages;
    const assistant = last.filter((m: any) => m.role === 'assistant');
    const callIds = assistant.flatMap((m: any) => m.tool_calls.map((c: any) => c.id));
    const resultIds = last.filter((m: any) => m.role === 'tool').map((m: any) => m.tool_call_id);
    assert.equal(callIds.length, 4);
    assert.equal(new Set(callIds).size, 4, `ids are unique: ${callIds}`);
    assert.ok(!callIds.includes('call_0') && !callIds.includes('call_1'));
    assert.deepEqual(resultIds, callIds);
  });

  it('invalid and single-quoted JSON arguments: single quotes are read as meant, garbage gets an error result asking for JSON, nothing crashes', async () => {
    script(
      {
        calls: [
          { name: 'read_file', args: "{'file_path': 'it\\'s.ts'}" },
          { name: 'read_file', args: '{"file_path": "x.ts"' },
          { name: 'edit', args: '{"file_path": "x.ts"}' },
        ],
      },
      'Sorry.',
    );
    const { env, host } = setup();
    const turn = newTurn('go');
    await new AgentTask(env, turn, [], new AbortController()).run();
    assert.deepEqual(host.calls.map((c) => c.args.file_path), ["it's.ts"]);
    const results = toolTexts(1);
    assert.equal(results[0], FILE);
    assert.match(results[1], /not valid JSON/);
    assert.match(results[2], /missing "old_string" and "new_string"/);
    assert.deepEqual(rows(turn).map((r) => r.status), ['done', 'error', 'error']);
  });

  it('unknown tools and tools not offered here get an error result naming the tools', async () => {
    script({ calls: [{ name: 'delete_everything', args: '{}' }, { name: 'run_shell_command', args: '{"command":"ls"}' }] }, 'ok');
    const { env, host } = setup();
    host.tools = ['read_file', 'list_directory', 'glob', 'grep_search', 'edit', 'write_file'];
    const turn = newTurn('go');
    await new AgentTask(env, turn, [], new AbortController()).run();
    assert.equal(host.calls.length, 0);
    const results = toolTexts(1);
    assert.match(results[0], /no tool named "delete_everything".*read_file, list_directory/);
    assert.match(results[1], /run_shell_command is not available/);
    assert.ok(!posts()[0]!.body.tools.some((t: any) => t.function.name === 'run_shell_command'), 'the shell is not offered');
  });

  it("Qwen's XML calls in content are run, and their markup is never shown", async () => {
    script({ calls: [{ name: 'read_file', args: '{"file_path":"/work/demo/src/math.ts","limit":20}' }], opts: { xml: true, text: 'Reading it.' } }, 'All good.');
    const { env, host, posted } = setup();
    const turn = newTurn('go');
    await new AgentTask(env, turn, [], new AbortController()).run();
    assert.deepEqual(host.calls.map((c) => c.args), [{ file_path: '/work/demo/src/math.ts', limit: 20 }]);
    const shown = posted.map((m) => (m.type === 'delta' ? (m.text ?? '') : m.type === 'turnStart' ? joinedText(m.turn.parts, 'text') : '')).join('');
    assert.ok(!/tool_call|<function|parameter/.test(shown), shown);
    const text = joinedText(turn.parts, 'text');
    assert.match(text, /^Reading it\.\s*All good\.$/);
    const sent = posts()[1]!.body.messages;
    assert.equal(sent[2].tool_calls[0].function.name, 'read_file');
    assert.equal(sent[3].role, 'tool');
  });

  it('finish_reason tool_calls with no calls: one nudge, then the answer stands', async () => {
    script({ calls: [], opts: { emptyCalls: true } }, 'Here is the answer.');
    const { env, host } = setup();
    const turn = newTurn('go');
    await new AgentTask(env, turn, [], new AbortController()).run();
    assert.equal(host.calls.length, 0);
    assert.equal(posts().length, 2);
    assert.match(text(posts()[1]!.body.messages.at(-1))!, /no tool call arrived/);
    assert.equal(turn.status, 'done');
    assert.equal(joinedText(turn.parts, 'text'), 'Here is the answer.');
  });

  it('the same call three times in a row stops the task, saying why, without running the third', async () => {
    const same = { calls: [{ name: 'read_file', args: '{"file_path":"a.ts"}' }] };
    script(same, same, { calls: [{ name: 'read_file', args: '{ "file_path" : "a.ts" }' }] }, 'never');
    const { env, host, posted } = setup();
    const turn = newTurn('go');
    await new AgentTask(env, turn, [], new AbortController()).run();
    assert.equal(host.calls.length, 2);
    assert.equal(posts().length, 3);
    assert.equal(turn.agentStop, 'loop');
    assert.equal(turn.status, 'done');
    assert.equal(rows(turn)[2]!.status, 'error');
    const end = posted.at(-1)!;
    assert.ok(end.type === 'turnEnd' && end.agentStop === 'loop');
  });

  it('qwen.agent.maxSteps stops the task after that many requests; Continue goes on from the stored parts', async () => {
    let n = 0;
    fake.server.setScenario(async (ctx) => {
      n++;
      await ctx.sse(n <= 3 ? toolCallStream([{ name: 'read_file', args: `{"file_path":"f${n}.ts"}` }]) : dashscopeStream('qwen3-coder-plus', 'Finished.'));
    });
    const { env, host } = setup({ maxSteps: () => 2 });
    const turn = newTurn('go');
    await new AgentTask(env, turn, [], new AbortController()).run();
    assert.equal(posts().length, 2);
    assert.equal(turn.agentStop, 'maxSteps');
    assert.equal(turn.steps, 2);

    // Continue: the stored rows are replayed with their results, and the task goes on
    turn.status = 'streaming';
    await new AgentTask(env, turn, [], new AbortController(), true).run();
    assert.equal(turn.status, 'done');
    assert.equal(turn.agentStop, undefined);
    assert.equal(turn.steps, 4);
    assert.deepEqual(host.calls.map((c) => c.args.file_path), ['f1.ts', 'f2.ts', 'f3.ts']);
    const replayed = posts()[2]!.body.messages;
    assert.deepEqual(replayed.slice(1).map((m: any) => m.role), ['user', 'assistant', 'tool', 'assistant', 'tool', 'user']);
    assert.equal(replayed[3].content, FILE);
    assert.equal(replayed[3].tool_call_id, replayed[2].tool_calls[0].id);
  });

  it('Stop while a tool waits: the wait is told, the row is denied, no further request is made', async () => {
    script({ calls: [{ name: 'run_shell_command', args: '{"command":"npm test"}' }, { name: 'read_file', args: '{"file_path":"a"}' }] }, 'never');
    const controller = new AbortController();
    const { env, host } = setup();
    let sawAbort = false;
    host.answers.run_shell_command = (_c, ctx) =>
      new Promise((resolve) => {
        ctx.progress('pending', { command: 'npm test' });
        ctx.signal.addEventListener('abort', () => {
          sawAbort = true;
          resolve({ status: 'denied', content: 'The user declined to run this command.' });
        });
        setTimeout(() => controller.abort(), 50);
      });
    const turn = newTurn('go');
    await new AgentTask(env, turn, [], controller).run();
    assert.ok(sawAbort);
    assert.equal(turn.status, 'stopped');
    assert.equal(posts().length, 1);
    assert.deepEqual(rows(turn).map((r) => r.status), ['denied', 'denied']);
    assert.equal(host.calls.length, 1);
  });

  it('Stop while a command runs: the command is told to stop, its result says so, the next call never runs, no further request', async () => {
    script({ calls: [{ name: 'run_shell_command', args: '{"command":"npm test"}' }, { name: 'read_file', args: '{"file_path":"a"}' }] }, 'never');
    const controller = new AbortController();
    const { env, host } = setup();
    host.answers.run_shell_command = (_c, ctx) =>
      new Promise((resolve) => {
        ctx.progress('running', { command: 'npm test' });
        ctx.signal.addEventListener('abort', () => resolve({ status: 'done', content: 'Stopped.\n\npartial output', facts: { command: 'npm test', exitCode: null } }));
        setTimeout(() => controller.abort(), 30);
      });
    const turn = newTurn('go');
    await new AgentTask(env, turn, [], controller).run();
    assert.equal(turn.status, 'stopped');
    assert.equal(posts().length, 1);
    assert.equal(host.calls.length, 1, 'read_file never ran');
    assert.deepEqual(rows(turn).map((r) => [r.name, r.status]), [['run_shell_command', 'done'], ['read_file', 'denied']]);
    assert.match(rows(turn)[0]!.result!, /Stopped/);
  });

  it('Stop mid-stream keeps the text that arrived and ends the request', async () => {
    const controller = new AbortController();
    fake.server.setScenario(async (ctx) => {
      await ctx.sse(dashscopeStream('qwen3-coder-plus', 'word '.repeat(400)), { delay: 5, split: 40 });
    });
    const { env } = setup({
      post: (m) => {
        if (m.type === 'delta') controller.abort();
      },
    });
    const turn = newTurn('go');
    await new AgentTask(env, turn, [], controller).run();
    assert.equal(turn.status, 'stopped');
    assert.ok(joinedText(turn.parts, 'text').startsWith('word'));
    assert.equal(await fake.server.waitForClose(posts()[0]!), 'client');
  });

  it('stored keys are scrubbed from tool results, and long results are cut with a note', async () => {
    script({ calls: [{ name: 'run_shell_command', args: '{"command":"env"}' }, { name: 'read_file', args: '{"file_path":"big.log"}' }] }, 'ok');
    const { env, host } = setup();
    host.answers.run_shell_command = () => ({ status: 'done', content: 'Exit code: 0\n\nDASHSCOPE_API_KEY=sk-secret-key-1234\nHOME=/root' });
    host.answers.read_file = () => ({ status: 'done', content: 'line of log text\n'.repeat(10_000) });
    const turn = newTurn('go');
    await new AgentTask(env, turn, [], new AbortController()).run();
    const results = toolTexts(1);
    assert.ok(!results[0]!.includes('sk-secret-key-1234'));
    assert.match(results[0]!, /\[hidden\]/);
    assert.ok(results[1]!.length < 33_000);
    assert.match(results[1]!, /cut here: \d+ more characters.*offset and limit/);
    assert.equal(rows(turn)[1]!.facts?.truncated, true);
  });

  it('qwen.agent.maxCostUsd stops the task before a request that would pass it', async () => {
    script({ calls: [{ name: 'read_file', args: '{"file_path":"a"}' }], opts: { promptTokens: 30_000 } }, 'never');
    const { env } = setup({ maxCostUsd: () => 0.0302 });
    const turn = newTurn('go');
    await new AgentTask(env, turn, [], new AbortController()).run();
    assert.equal(posts().length, 1, 'the second request would pass the limit');
    assert.equal(turn.agentStop, 'maxCost');
    assert.ok(turn.costUsd! > 0.03);
  });

  it('older tool results shortened to fit the context window: the turn keeps the count, so its note survives a reload', async () => {
    // qwen-max's 32k window: three 30,000-character results do not fit beside each other.
    script(
      { calls: [{ name: 'read_file', args: '{"file_path":"a.log"}' }] },
      { calls: [{ name: 'read_file', args: '{"file_path":"b.log"}' }] },
      { calls: [{ name: 'read_file', args: '{"file_path":"c.log"}' }] },
      'Read all three.',
    );
    const client = clientFor(fake.server);
    const { env, host, posted } = setup({ client: async () => ({ client, model: 'qwen-max' }) });
    host.answers.read_file = (c) => ({ status: 'done', content: `${String(c.args.file_path)}\n${'log line\n'.repeat(3_750)}` });
    const turn = newTurn('read the logs');
    await new AgentTask(env, turn, [], new AbortController()).run();
    assert.equal(turn.status, 'done');
    assert.ok((turn.compacted ?? 0) > 0, `compacted: ${turn.compacted}`);
    const progress = posted.filter((m) => m.type === 'agentProgress').at(-1);
    assert.equal(progress?.type === 'agentProgress' && progress.compacted, turn.compacted, 'the view was told the same count');
    client.dispose();
  });

  it('a model without tool support gets a clear sentence, not a silent agent', async () => {
    fake.server.setScenario({ status: 400, json: { object: 'error', message: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set', type: 'BadRequestError', param: null, code: 400 } });
    const { env, posted } = setup();
    const turn = newTurn('go');
    await new AgentTask(env, turn, [], new AbortController()).run();
    assert.equal(turn.status, 'error');
    assert.match(turn.error!.message, /cannot call tools/);
    // shown as it started (streaming), then failed: the view's turnError has a running task to end
    assert.deepEqual(posted.map((m) => m.type), ['turnStart', 'turnError']);
    assert.equal(posted[0]!.type === 'turnStart' && posted[0]!.turn.status, 'streaming');
  });

  it('sends DashScope the cache header and marks, so a long task is billed as cached input; other servers get neither', async () => {
    script('Nothing to do.');
    const { env } = setup();
    await new AgentTask(env, newTurn('go'), [], new AbortController()).run();
    const r = posts()[0]!;
    assert.equal(r.headers['x-dashscope-cachecontrol'], 'enable');
    const msgs = r.body.messages;
    assert.deepEqual(msgs[0].content.at(-1).cache_control, { type: 'ephemeral' });
    assert.deepEqual(msgs.at(-1).content.at(-1).cache_control, { type: 'ephemeral' });
    assert.match(msgs[0].content[0].text, /coding agent/);

    const custom = clientFor(fake.server, { provider: 'custom' });
    await new AgentTask({ ...env, client: async () => ({ client: custom, model: 'qwen3-coder-plus' }) }, newTurn('go', { id: 'task-0002' }), [], new AbortController()).run();
    const c = posts()[1]!;
    assert.equal(c.headers['x-dashscope-cachecontrol'], undefined);
    assert.equal(typeof c.body.messages[0].content, 'string');
  });
});
