// Keys in the real extension host: Set API Key stores the key in SecretStorage and the next request
// carries it; Clear removes it; a missing key sends nothing; a broken secret store says so clearly;
// the key never reaches settings, the log or an error message.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FakeQwen } from '../fake-qwen/server';
import { isUnavailable } from '../../src/services';
import type { QwenTestApi } from '../../src/extension';
import { activateQwen, captureMessages, setUserSetting, stopFakeQwen, stubWindow, useFakeQwen } from './helpers';

const KEY = 'sk-integration-TEST-4f9d2c71e0';

describe('API keys', () => {
  let api: QwenTestApi;
  let server: FakeQwen;

  before(async () => {
    api = await activateQwen();
    server = await useFakeQwen();
  });

  after(async () => {
    await vscode.commands.executeCommand('qwen.clearApiKey', 'custom');
    await stopFakeQwen(server);
  });

  async function ask(question: string): Promise<string> {
    const cc = await api.services.client({ interactive: false });
    if (isUnavailable(cc)) assert.fail(`no client: ${cc.unavailable}`);
    const res = await cc.client.streamChat({ model: cc.model, messages: [{ role: 'user', content: question }] }, {});
    return res.text;
  }

  it('Set API Key stores the key from a password box and the next request carries it', async () => {
    let options: vscode.InputBoxOptions | undefined;
    const restore = stubWindow('showInputBox', ((o?: vscode.InputBoxOptions) => {
      options = o;
      return Promise.resolve(KEY);
    }) as never);
    const msgs = captureMessages();
    try {
      const before = server.requests.length;
      const ok = await vscode.commands.executeCommand('qwen.setApiKey');
      assert.equal(ok, true);
      assert.equal(options?.password, true, 'the input box hides what is typed');
      assert.equal(server.requests.length, before, 'setting a key sends nothing over the network');
      assert.ok(msgs.info.some((m) => m.includes('API key saved')), `confirmation shown: ${msgs.info.join(' | ')}`);
    } finally {
      restore();
      msgs.dispose();
    }
    const text = await ask('Hello from the key test');
    assert.ok(text.length > 0, 'an answer streamed back');
    const req = server.requests.at(-1)!;
    assert.equal(req.headers['authorization'], `Bearer ${KEY}`);
  });

  it('never writes the key to settings.json or the log', async () => {
    // code-server keeps user settings beside globalStorage: <user-data>/User/settings.json
    const userDir = join(api.services.context.globalStorageUri.fsPath, '..', '..');
    const settingsFile = join(userDir, 'settings.json');
    assert.ok(existsSync(settingsFile), `user settings file at ${settingsFile}`);
    const settingsText = readFileSync(settingsFile, 'utf8');
    assert.ok(settingsText.includes('qwen.baseUrl'), 'the settings file is the one the tests wrote');
    assert.ok(!settingsText.includes(KEY), 'the key is not in settings.json');
    // Even a careless log call with the key in it is scrubbed on the way to the channel.
    api.services.log.info(`request headers: {"authorization":"Bearer ${KEY}"} key=${KEY}`);
    const lines = api.logLines().join('\n');
    assert.ok(lines.includes('request headers'), 'the careless line reached the log');
    assert.ok(lines.length > 0, 'the log has lines');
    assert.ok(!lines.includes(KEY), 'the key is not in the log');
  });

  it('Clear API Key removes it: custom then sends no Authorization header', async () => {
    const msgs = captureMessages();
    try {
      assert.equal(await vscode.commands.executeCommand('qwen.clearApiKey'), true);
      assert.ok(msgs.info.some((m) => m.includes('API key removed')));
    } finally {
      msgs.dispose();
    }
    await ask('Hello without a key');
    const req = server.requests.at(-1)!;
    assert.equal(req.headers['authorization'], undefined, 'no Authorization header without a key');
  });

  it('uses the provider environment variable when no key is stored', async () => {
    process.env.QWEN_API_KEY = 'sk-from-env-77aa88bb99';
    try {
      await ask('Hello from env');
      assert.equal(server.requests.at(-1)!.headers['authorization'], 'Bearer sk-from-env-77aa88bb99');
    } finally {
      delete process.env.QWEN_API_KEY;
    }
  });

  it('a missing key on a provider that needs one sends nothing and offers Set API Key', async () => {
    // aimlapi with its URL pointed at the local server (a gateway override) and no key anywhere.
    await setUserSetting('qwen.provider', 'aimlapi');
    const msgs = captureMessages();
    const before = server.requests.length;
    try {
      const cc = await api.services.client({ interactive: true });
      assert.ok(isUnavailable(cc));
      assert.equal(cc.unavailable, 'missingKey');
      assert.equal(server.requests.length, before, 'nothing was sent');
      assert.ok(msgs.warn.some((m) => m.includes('No API key for AI/ML API')), msgs.warn.join(' | '));
    } finally {
      msgs.dispose();
      await setUserSetting('qwen.provider', 'custom');
    }
  });

  it('a failing secret store gives the clear keyring message and stores nothing', async () => {
    const failing = {
      get: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
      store: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
      delete: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
    };
    api.setSecretBackend(failing);
    const restoreInput = stubWindow('showInputBox', (() => Promise.resolve(KEY)) as never);
    const msgs = captureMessages();
    try {
      const ok = await vscode.commands.executeCommand('qwen.setApiKey');
      assert.equal(ok, false);
      assert.equal(msgs.error.length, 1, msgs.error.join(' | '));
      assert.match(msgs.error[0]!, /not saved.*keyring/);
      assert.ok(!msgs.error[0]!.includes(KEY));
      assert.equal(msgs.info.length, 0, 'no success message');
      // Reading fails too: the request path reports it instead of sending without a key.
      await setUserSetting('qwen.provider', 'aimlapi');
      const cc = await api.services.client({ interactive: true });
      assert.ok(isUnavailable(cc));
      assert.equal(cc.unavailable, 'secretStore');
      assert.match(msgs.error[1] ?? '', /could not read your API key/);
    } finally {
      restoreInput();
      msgs.dispose();
      api.setSecretBackend(api.services.context.secrets);
      await setUserSetting('qwen.provider', 'custom');
    }
  });

  it('reads the secret store once, not before every request, and follows a change made elsewhere (another window)', async () => {
    const data = new Map<string, string>([['qwen.apiKey.custom', KEY]]);
    const changed = new vscode.EventEmitter<{ key: string }>();
    let reads = 0;
    api.setSecretBackend({
      get: (k: string) => {
        reads++;
        return Promise.resolve(data.get(k));
      },
      store: async (k: string, v: string) => void data.set(k, v),
      delete: async (k: string) => void data.delete(k),
      onDidChange: changed.event,
    });
    try {
      await ask('one');
      await ask('two');
      await ask('three');
      assert.equal(reads, 1, 'one read for three requests');
      assert.equal(server.requests.filter((r) => r.method === 'POST').at(-1)!.headers['authorization'], `Bearer ${KEY}`);
      // another window stores a new key: SecretStorage says so, and the next request carries it
      data.set('qwen.apiKey.custom', `${KEY}-rotated`);
      changed.fire({ key: 'qwen.apiKey.custom' });
      await ask('four');
      assert.equal(server.requests.filter((r) => r.method === 'POST').at(-1)!.headers['authorization'], `Bearer ${KEY}-rotated`);
      assert.equal(reads, 2);
    } finally {
      changed.dispose();
      api.setSecretBackend(api.services.context.secrets);
    }
  });
});
