// Runs the fake Qwen server for other processes (VS Code UI tests, `npm start`, the bench):
//   node out/test/fake-qwen/cli.js [--port 0] [--host 127.0.0.1] [--scenario NAME] [--echo-delay MS]
//                                  [--api-key KEY] [--tls] [--scenarios ./extra.js] [--exit-with-stdin] [--list]
// Prints one line `FAKE_QWEN_URL http://127.0.0.1:PORT/v1` when listening; stops on SIGINT/SIGTERM,
// and with --exit-with-stdin also when its stdin closes (so a parent that dies takes it along).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fixturesDir } from './fixtures';
import { SCENARIOS, startFakeQwen, type FakeQwenOptions } from './server';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  return v === undefined || v.startsWith('--') ? '' : v;
}

async function main(): Promise<void> {
  if (arg('list') !== undefined) {
    for (const [name, s] of Object.entries(SCENARIOS)) console.log(`${name.padEnd(24)} ${s.description}`);
    return;
  }
  const opts: FakeQwenOptions = {
    port: Number(arg('port') ?? 0),
    host: arg('host') || '127.0.0.1',
  };
  if (arg('scenario')) opts.defaultScenario = arg('scenario');
  if (arg('echo-delay')) opts.echoDelayMs = Number(arg('echo-delay'));
  if (arg('api-key')) opts.apiKey = arg('api-key');
  if (arg('tls') !== undefined) {
    const dir = join(fixturesDir(), 'tls');
    opts.tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  }
  const extra = arg('scenarios');
  if (extra) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(resolve(extra)) as { scenarios?: FakeQwenOptions['scenarios']; default?: FakeQwenOptions['scenarios'] };
    opts.scenarios = mod.scenarios ?? mod.default;
  }
  const server = await startFakeQwen(opts);
  console.log(`FAKE_QWEN_URL ${server.url}`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (arg('exit-with-stdin') !== undefined) {
    process.stdin.on('end', stop);
    process.stdin.on('error', () => {});
    process.stdin.resume();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
