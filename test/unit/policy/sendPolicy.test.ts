// The one policy for what may leave the machine, on a real tree made for each run: symlinks from
// inside to outside and back, nested .gitignore files, .git/info/exclude, case variants and a
// binary file. Each answer is what a path would get from the chat, a command or the agent.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_EXCLUDE_PATTERNS } from '../../../src/prompts/exclude';
import { MAX_WHOLE_FILE_BYTES, SendPolicy, type Origin } from '../../../src/policy/sendPolicy';

describe('policy/sendPolicy: what may leave the machine', () => {
  let top: string;
  let ws: string;
  let outside: string;
  let extra: string[] = [];
  let policy: SendPolicy;

  const write = (p: string, text: string | Buffer) => {
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  };

  before(() => {
    top = mkdtempSync(join(tmpdir(), 'qwen-policy-'));
    ws = join(top, 'project');
    outside = join(top, 'outside');
    write(join(outside, '.env'), 'API_KEY=outside-secret\n');
    write(join(outside, 'notes.md'), 'plain notes outside\n');
    write(join(ws, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    write(join(ws, '.git', 'config'), '[remote "origin"]\n\turl = https://me:token@example.com/r.git\n');
    write(join(ws, '.git', 'info', 'exclude'), 'local-only.txt\n');
    write(join(ws, '.gitignore'), 'dist/\n*.log\n!keep.log\n');
    write(join(ws, 'src', 'app.ts'), 'export const x = 1;\n');
    write(join(ws, 'src', '.gitignore'), 'generated/\n!important.log\n');
    write(join(ws, 'src', 'generated', 'api.ts'), 'export {};\n');
    write(join(ws, 'src', 'important.log'), 'kept by the nested .gitignore\n');
    write(join(ws, 'src', 'debug.log'), 'ignored by the root .gitignore\n');
    write(join(ws, 'keep.log'), 'unignored\n');
    write(join(ws, 'dist', 'bundle.js'), 'built\n');
    write(join(ws, 'dist', 'keep.log'), 'inside an ignored folder: stays ignored\n');
    write(join(ws, 'local-only.txt'), 'excluded by .git/info/exclude\n');
    write(join(ws, 'config', '.ENV.Production'), 'SECRET=1\n');
    write(join(ws, 'deploy', 'prod.tfvars'), 'db_password = "x"\n');
    write(join(ws, 'ops', '.kube', 'config'), 'token: x\n');
    write(join(ws, 'img', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]));
    write(join(ws, 'big.txt'), 'x'.repeat(MAX_WHOLE_FILE_BYTES + 10));
    mkdirSync(join(ws, 'docs'), { recursive: true });
    symlinkSync(join('..', '..', 'outside', '.env'), join(ws, 'docs', 'notes.txt'));
    symlinkSync(join('..', '..', 'outside', 'notes.md'), join(ws, 'docs', 'outside-notes.md'));
    symlinkSync(join('..', 'dist', 'bundle.js'), join(ws, 'docs', 'bundle-link.js'));
    symlinkSync(join(ws, 'src', 'app.ts'), join(outside, 'app-link.ts'));
    mkdirSync(join(ws, '.qwen'));
    symlinkSync(join(outside, '.env'), join(ws, '.qwen', 'instructions.md'));
    policy = new SendPolicy({ folders: () => [ws], patterns: () => [...DEFAULT_EXCLUDE_PATTERNS, ...extra] });
  });

  after(() => rmSync(top, { recursive: true, force: true }));

  const verdict = async (p: string, origin: Origin) => (await policy.judge(p, origin))?.reason ?? 'sent';

  it('never sends a secret, by any origin, whatever its case', async () => {
    for (const origin of ['selected', 'active', 'named', 'model', 'listed'] as const) {
      assert.equal(await verdict(join(ws, 'config', '.ENV.Production'), origin), 'secret', origin);
      assert.equal(await verdict(join(ws, '.git', 'config'), origin), 'secret', origin);
      assert.equal(await verdict(join(ws, 'deploy', 'prod.tfvars'), origin), 'secret', origin);
      assert.equal(await verdict(join(ws, 'ops', '.kube', 'config'), origin), 'secret', origin);
      assert.equal(await verdict(join(outside, '.env'), origin), 'secret', origin);
    }
  });

  it('a symlink inside the workspace to a secret outside is a secret, and names where it leads', async () => {
    const r = await policy.judge(join(ws, 'docs', 'notes.txt'), 'selected');
    assert.equal(r?.reason, 'secret');
    assert.equal(r?.shown, 'docs/notes.txt');
    assert.equal(r?.target, join(outside, '.env'));
    assert.equal(await verdict(join(ws, '.qwen', 'instructions.md'), 'named'), 'secret');
  });

  it('a symlink to a plain file outside is outside for a named or listed file, and allowed for a selection', async () => {
    const link = join(ws, 'docs', 'outside-notes.md');
    assert.equal(await verdict(link, 'named'), 'outside');
    assert.equal(await verdict(link, 'listed'), 'outside');
    assert.equal(await verdict(link, 'selected'), 'sent');
    assert.equal(await verdict(link, 'active'), 'sent');
  });

  it('a file outside that links into the workspace is still outside as the user sees it', async () => {
    assert.equal(await verdict(join(outside, 'app-link.ts'), 'named'), 'outside');
    assert.equal(await verdict(join(outside, 'app-link.ts'), 'selected'), 'sent');
    assert.equal(await verdict(join(outside, 'notes.md'), 'named'), 'outside');
  });

  it('ignored files are never gathered nor read for the model, but a selection or a path the user named may send them', async () => {
    for (const p of [join(ws, 'dist', 'bundle.js'), join(ws, 'src', 'debug.log'), join(ws, 'src', 'generated', 'api.ts'), join(ws, 'local-only.txt'), join(ws, '.git', 'HEAD')]) {
      assert.equal(await verdict(p, 'listed'), 'ignored', p);
      assert.equal(await verdict(p, 'active'), 'ignored', p);
      assert.equal(await verdict(p, 'selected'), 'sent', p);
      assert.equal(await verdict(p, 'named'), 'sent', p);
      assert.equal(await verdict(p, 'model'), 'ignored', p);
    }
  });

  it('an ignored folder is ignored itself, not only what is in it (a listing names folders)', async () => {
    for (const p of [join(ws, 'dist'), join(ws, 'src', 'generated'), join(ws, '.git')]) {
      assert.equal(await verdict(p, 'listed'), 'ignored', p);
      assert.equal(await verdict(p, 'named'), 'sent', p);
    }
    assert.equal(await verdict(join(ws, 'src'), 'listed'), 'sent');
    assert.equal(await verdict(join(ws, 'docs'), 'listed'), 'sent');
  });

  it('a symlink whose target is ignored is ignored too', async () => {
    assert.equal(await verdict(join(ws, 'docs', 'bundle-link.js'), 'listed'), 'ignored');
    assert.equal(await verdict(join(ws, 'docs', 'bundle-link.js'), 'named'), 'sent');
    assert.equal(await verdict(join(ws, 'docs', 'bundle-link.js'), 'model'), 'ignored');
  });

  it('follows git: a deeper .gitignore overrides a higher one, but nothing in an ignored folder comes back', async () => {
    assert.equal(await verdict(join(ws, 'keep.log'), 'listed'), 'sent');
    assert.equal(await verdict(join(ws, 'src', 'important.log'), 'listed'), 'sent');
    assert.equal(await verdict(join(ws, 'dist', 'keep.log'), 'listed'), 'ignored');
    assert.equal(await verdict(join(ws, 'src', 'app.ts'), 'listed'), 'sent');
  });

  it('sees a changed .gitignore once told', async () => {
    assert.equal(await verdict(join(ws, 'src', 'app.ts'), 'listed'), 'sent');
    write(join(ws, 'src', '.gitignore'), 'generated/\n!important.log\napp.ts\n');
    policy.invalidate();
    assert.equal(await verdict(join(ws, 'src', 'app.ts'), 'listed'), 'ignored');
    write(join(ws, 'src', '.gitignore'), 'generated/\n!important.log\n');
    policy.invalidate();
    assert.equal(await verdict(join(ws, 'src', 'app.ts'), 'listed'), 'sent');
  });

  it('qwen.context.exclude adds to the secrets', async () => {
    assert.equal(await verdict(join(ws, 'src', 'app.ts'), 'selected'), 'sent');
    extra = ['src/app.*'];
    try {
      assert.equal(await verdict(join(ws, 'src', 'app.ts'), 'selected'), 'secret');
    } finally {
      extra = [];
    }
  });

  it('a binary or too large file is refused when sent whole', async () => {
    const bin = await policy.readWhole(join(ws, 'img', 'logo.png'), 'named');
    assert.ok('refusal' in bin && bin.refusal.reason === 'binary');
    const big = await policy.readWhole(join(ws, 'big.txt'), 'named');
    assert.ok('refusal' in big && big.refusal.reason === 'too-large' && big.refusal.size! > big.refusal.limit!);
    const ok = await policy.readWhole(join(ws, 'src', 'app.ts'), 'named');
    assert.deepEqual(ok, { text: 'export const x = 1;\n' });
    const unsaved = await policy.readWhole(join(ws, 'src', 'app.ts'), 'named', 'export const x = 2; // unsaved\n');
    assert.deepEqual(unsaved, { text: 'export const x = 2; // unsaved\n' });
    const secret = await policy.readWhole(join(ws, 'docs', 'notes.txt'), 'named');
    assert.ok('refusal' in secret && secret.refusal.reason === 'secret');
  });

  it('a folder opened at ~/.aws still keeps its credentials; a folder named like a secret is not all secret', async () => {
    const aws = join(top, '.aws');
    write(join(aws, 'credentials'), '[default]\naws_secret_access_key=x\n');
    write(join(aws, 'config'), '[default]\nregion=x\n');
    const inAws = new SendPolicy({ folders: () => [aws], patterns: () => DEFAULT_EXCLUDE_PATTERNS });
    assert.equal((await inAws.judge(join(aws, 'credentials'), 'selected'))?.reason, 'secret');
    assert.equal(await inAws.judge(join(aws, 'config'), 'selected'), undefined);
    const named = join(top, 'secrets');
    write(join(named, 'readme.md'), 'docs\n');
    const inSecrets = new SendPolicy({ folders: () => [named], patterns: () => DEFAULT_EXCLUDE_PATTERNS });
    assert.equal(await inSecrets.judge(join(named, 'readme.md'), 'listed'), undefined);
  });
});
