// The agent's read tools in the real extension host, on a tree made for the run inside the opened
// folder: a secret (.env), symlinks from inside to a secret and to a plain file outside, a link to
// a whole folder outside, a .gitignored file and folder, a normal source file, a 2,500-line file
// and an open document with unsaved text. Nothing outside the workspace and no secret is read:
// the model gets an error result instead; listings and searches never name ignored or secret
// files; every assertion is on what the model would be sent.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { ReadTools } from '../../src/agent/vscode/readTools';
import type { ToolName, ToolOutcome, ToolRunContext } from '../../src/agent/types';
import { ContentGate } from '../../src/policy/vscode/contentGate';

const SECRET = 'SECRET-c41e9-NEVER-TO-THE-MODEL';
const OUTSIDE_PLAIN = 'OUTSIDE-PLAIN-8b2f0';
const IGNORED = 'IGNORED-TEXT-33aa';
const UNSAVED = 'UNSAVED-BUFFER-TEXT-91d';

describe('agent read tools: read_file, list_directory, glob, grep_search', function () {
  this.timeout(30_000);
  let ws: string;
  let outside: string;
  let gate: ContentGate;
  let tools: ReadTools;
  const made: string[] = [];
  let callNo = 0;

  const write = (p: string, text: string) => {
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    made.push(p);
  };
  const link = (target: string, at: string) => {
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(target, at);
    made.push(at);
  };
  const ctx = (signal = new AbortController().signal): ToolRunContext => ({ signal, progress: () => undefined, taskId: 'read-tools-test' });
  const run = (name: ToolName, args: Record<string, unknown>, c = ctx()): Promise<ToolOutcome> => tools.run({ id: `call_${++callNo}`, name, args }, c);
  /** No secret, no outside text, no ignored text in what the model gets. */
  const clean = (o: ToolOutcome) => {
    const all = `${o.content}\n${JSON.stringify(o.facts ?? {})}`;
    for (const bad of [SECRET, OUTSIDE_PLAIN, IGNORED]) assert.ok(!all.includes(bad), `${bad} leaked: ${all}`);
  };
  /** Names the listings must never show. */
  const neverNamed = ['.env', 'notes.txt', 'plain-link.md', 'linkdir', 'dist', 'built.js', 'local.log'];
  const namesNothingExcluded = (o: ToolOutcome) => {
    clean(o);
    for (const n of neverNamed) assert.ok(!new RegExp(`(^|[/ \\n])${n.replace('.', '\\.')}([/:\\n]|$)`).test(o.content), `${n} named in:\n${o.content}`);
  };

  before(async () => {
    ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    outside = mkdtempSync(join(tmpdir(), 'qwen-read-outside-'));
    write(join(outside, '.env'), `TOKEN=${SECRET}\nparseUser=${SECRET}\n`);
    write(join(outside, 'plain.md'), `${OUTSIDE_PLAIN} parseUser\n`);
    const root = join(ws, 'agentread');
    write(join(root, 'src', 'app.ts'), 'export function parseUser(raw: string) {\n  return JSON.parse(raw);\n}\n');
    write(join(root, 'src', 'draft.ts'), 'export const saved = 1;\n');
    write(join(root, 'docs', 'readme.md'), '# Docs\n');
    write(join(root, '.env'), `API_KEY=${SECRET}\n# parseUser\n`);
    link(join(outside, '.env'), join(root, 'docs', 'notes.txt'));
    link(join(outside, 'plain.md'), join(root, 'docs', 'plain-link.md'));
    link(outside, join(root, 'linkdir'));
    write(join(root, '.gitignore'), 'dist/\nlocal.log\n');
    write(join(root, 'dist', 'built.js'), `const built = "${IGNORED}"; parseUser();\n`);
    write(join(root, 'local.log'), `${IGNORED} parseUser\n`);
    write(join(root, 'big.ts'), Array.from({ length: 2500 }, (_, i) => `const line${i + 1} = ${i + 1};`).join('\n') + '\n');
    for (let f = 1; f <= 5; f++) write(join(root, 'many', `hits${f}.txt`), Array.from({ length: 60 }, (_, i) => `hit ${f}.${i}`).join('\n') + '\n');
    // Made after the tree, so its .gitignore rules are read fresh.
    gate = new ContentGate();
    const worker = join(vscode.extensions.getExtension('qwen-coder.qwen-coder')!.extensionPath, 'out', 'grepWorker.js');
    tools = new ReadTools(gate, () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), worker);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    gate.dispose();
    for (const p of made.reverse()) rmSync(p, { force: true });
    rmSync(join(ws, 'agentread'), { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('read_file reads a source file whole, as plain text, and names it relative to the folder', async () => {
    const o = await run('read_file', { file_path: 'agentread/src/app.ts' });
    assert.equal(o.status, 'done', o.content);
    assert.equal(o.content, 'export function parseUser(raw: string) {\n  return JSON.parse(raw);\n}');
    assert.deepEqual(o.facts, { path: 'agentread/src/app.ts', startLine: 1, endLine: 3, totalLines: 3 });
    const abs = await run('read_file', { file_path: join(ws, 'agentread', 'src', 'app.ts') });
    assert.equal(abs.content, o.content);
  });

  it('read_file refuses secrets, links leading outside and paths outside, and reads none of them', async () => {
    const cases: Array<[string, RegExp]> = [
      ['agentread/.env', /agentread\/\.env is a secret file/],
      ['agentread/docs/notes.txt', /agentread\/docs\/notes\.txt leads to .*\.env, which is a secret file/],
      ['agentread/docs/plain-link.md', /leads outside the workspace folders/],
      ['agentread/linkdir/plain.md', /leads outside the workspace folders/],
      [join(outside, 'plain.md'), /outside the workspace folders/],
      [join(outside, '.env'), /outside the workspace folders/],
      [`../${basename(outside)}/plain.md`, /outside the workspace folders/],
      ['agentread/../../etc/passwd', /outside the workspace folders/],
      [`file://${join(outside, 'plain.md')}`, /outside the workspace folders/],
    ];
    for (const [p, why] of cases) {
      const o = await run('read_file', { file_path: p });
      assert.equal(o.status, 'error', `${p}: ${o.content}`);
      assert.match(o.content, why, p);
      clean(o);
    }
  });

  it('read_file of a missing file, a folder, or bad offset/limit is an error sentence', async () => {
    assert.match((await run('read_file', { file_path: 'agentread/nope.ts' })).content, /agentread\/nope\.ts does not exist/);
    assert.match((await run('read_file', { file_path: 'agentread/src' })).content, /is a folder, not a file/);
    const neg = await run('read_file', { file_path: 'agentread/src/app.ts', offset: -3 });
    assert.equal(neg.status, 'error');
    assert.match(neg.content, /offset must be a whole number/);
    assert.match((await run('read_file', { file_path: 'agentread/src/app.ts', offset: 50 })).content, /past the end of the file, which has 3 lines/);
    assert.equal((await run('read_file', {})).status, 'error');
    // A named pipe would make a read wait forever.
    const fifo = join(ws, 'agentread', 'pipe');
    execFileSync('mkfifo', [fifo]);
    let pipe: ToolOutcome;
    try {
      pipe = await run('read_file', { file_path: 'agentread/pipe' });
    } finally {
      rmSync(fifo, { force: true });
    }
    assert.equal(pipe.status, 'error');
    assert.match(pipe.content, /agentread\/pipe is not a regular file/);
  });

  it('read_file of an ignored file, named exactly, gets an error result and no byte of it (CONTRACT: excluded files are not read)', async () => {
    // The model chose the file, nobody reviewed it: the `model` origin refuses ignored files too.
    const o = await run('read_file', { file_path: 'agentread/local.log' });
    assert.equal(o.status, 'error');
    assert.match(o.content, /ignored/);
    assert.ok(!o.content.includes(IGNORED));
  });

  it('read_file of an open document returns its unsaved text, and grep searches it', async () => {
    const uri = vscode.Uri.file(join(ws, 'agentread', 'src', 'draft.ts'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(1, 0), `export const draft = '${UNSAVED}';\n`);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(doc.isDirty);
    try {
      const o = await run('read_file', { file_path: 'agentread/src/draft.ts' });
      assert.equal(o.status, 'done', o.content);
      assert.equal(o.content, `export const saved = 1;\nexport const draft = '${UNSAVED}';`);
      const g = await run('grep_search', { pattern: UNSAVED, path: 'agentread' });
      assert.equal(g.status, 'done', g.content);
      assert.match(g.content, new RegExp(`agentread/src/draft\\.ts:2: export const draft = '${UNSAVED}';`));
      assert.deepEqual(g.facts, { matches: 1, files: 1, path: 'agentread' });
    } finally {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('read_file of a 2,500-line file: the first 2,000 lines with a note, then offset and limit', async () => {
    const first = await run('read_file', { file_path: 'agentread/big.ts' });
    assert.equal(first.status, 'done');
    const lines = first.content.split('\n');
    assert.equal(lines[0], '[Showing lines 1-2000 of 2500. Use offset and limit to read more (the next line is offset 2000).]');
    assert.equal(lines[1], 'const line1 = 1;');
    assert.equal(lines.at(-1), 'const line2000 = 2000;');
    assert.equal(lines.length, 2001);
    assert.deepEqual(first.facts, { path: 'agentread/big.ts', startLine: 1, endLine: 2000, totalLines: 2500, truncated: true });
    const more = await run('read_file', { file_path: 'agentread/big.ts', offset: 2400, limit: 3 });
    assert.equal(more.content, '[Showing lines 2401-2403 of 2500. Use offset and limit to read more (the next line is offset 2403).]\nconst line2401 = 2401;\nconst line2402 = 2402;\nconst line2403 = 2403;');
    assert.deepEqual(more.facts, { path: 'agentread/big.ts', startLine: 2401, endLine: 2403, totalLines: 2500, truncated: true });
  });

  it('list_directory lists folders first with a slash and leaves out secrets, ignored entries and links leading outside', async () => {
    const o = await run('list_directory', { path: 'agentread' });
    assert.equal(o.status, 'done', o.content);
    assert.equal(o.content, 'Contents of agentread (5 entries; folders end with /):\ndocs/\nmany/\nsrc/\n.gitignore\nbig.ts');
    namesNothingExcluded(o);
    assert.deepEqual(o.facts, { path: 'agentread', entries: 5 });
    const docs = await run('list_directory', { path: join(ws, 'agentread', 'docs') });
    assert.equal(docs.content, 'Contents of agentread/docs (1 entry; folders end with /):\nreadme.md');
    namesNothingExcluded(docs);
  });

  it('list_directory refuses a file, a missing folder, an ignored folder, a link outside and ../', async () => {
    const cases: Array<[string, RegExp]> = [
      ['agentread/big.ts', /is a file, not a folder/],
      ['agentread/missing', /does not exist/],
      ['agentread/dist', /ignored by \.gitignore/],
      ['agentread/linkdir', /leads outside the workspace folders/],
      ['..', /outside the workspace folders/],
      [outside, /outside the workspace folders/],
    ];
    for (const [p, why] of cases) {
      const o = await run('list_directory', { path: p });
      assert.equal(o.status, 'error', `${p}: ${o.content}`);
      assert.match(o.content, why, p);
      clean(o);
      assert.ok(!o.content.includes('plain.md'), o.content);
    }
  });

  it('glob finds files under a path, sorted, and never names ignored or secret files', async () => {
    const all = await run('glob', { pattern: '**/*', path: 'agentread' });
    assert.equal(all.status, 'done', all.content);
    namesNothingExcluded(all);
    const names = all.content.split('\n').slice(1);
    assert.deepEqual(names, [
      'agentread/.gitignore',
      'agentread/big.ts',
      'agentread/docs/readme.md',
      ...[1, 2, 3, 4, 5].map((f) => `agentread/many/hits${f}.txt`),
      'agentread/src/app.ts',
      'agentread/src/draft.ts',
    ]);
    assert.deepEqual(all.facts, { entries: 10, path: 'agentread' });
    const ts = await run('glob', { pattern: 'agentread/**/*.ts' });
    assert.deepEqual(ts.content.split('\n'), ['Found 3 files matching "agentread/**/*.ts":', 'agentread/big.ts', 'agentread/src/app.ts', 'agentread/src/draft.ts']);
    const absolute = await run('glob', { pattern: `${join(ws, 'agentread', 'src')}/*.ts` });
    assert.equal(absolute.content, `Found 2 files matching ${JSON.stringify(`${join(ws, 'agentread', 'src')}/*.ts`)}:\nagentread/src/app.ts\nagentread/src/draft.ts`);
    const env = await run('glob', { pattern: '**/.env' });
    assert.equal(env.status, 'done');
    assert.equal(env.facts?.entries, 0, env.content);
  });

  it('glob refuses patterns and paths that leave the workspace', async () => {
    for (const args of [{ pattern: '../*' }, { pattern: `${outside}/*` }, { pattern: '*', path: '..' }, { pattern: '*', path: 'agentread/linkdir' }, { pattern: '' }]) {
      const o = await run('glob', args);
      assert.equal(o.status, 'error', `${JSON.stringify(args)}: ${o.content}`);
      clean(o);
      assert.ok(!o.content.includes('plain.md'));
    }
  });

  it('grep_search finds matches only in files the policy lets through', async () => {
    // Every folder (no path): other suites may leave files about, so only what must not be there is asserted.
    const everywhere = await run('grep_search', { pattern: 'parseUser' });
    assert.equal(everywhere.status, 'done', everywhere.content);
    namesNothingExcluded(everywhere);
    assert.ok(everywhere.content.includes('\nagentread/src/app.ts:1: export function parseUser(raw: string) {'), everywhere.content);
    const o = await run('grep_search', { pattern: 'parseUser', path: 'agentread' });
    namesNothingExcluded(o);
    assert.equal(o.content, 'Found 1 match in 1 file for /parseUser/ under agentread:\n\nagentread/src/app.ts:1: export function parseUser(raw: string) {');
    assert.deepEqual(o.facts, { matches: 1, files: 1, path: 'agentread' });
    const filtered = await run('grep_search', { pattern: 'parse\\w*\\(', glob: '*.ts', path: 'agentread' });
    assert.deepEqual(filtered.facts, { matches: 2, files: 1, path: 'agentread' });
    namesNothingExcluded(filtered);
    const secretText = await run('grep_search', { pattern: 'SECRET|IGNORED|OUTSIDE', path: 'agentread' });
    assert.equal(secretText.content, 'No matches for /SECRET|IGNORED|OUTSIDE/ under agentread.');
    clean(await run('grep_search', { pattern: 'SECRET|IGNORED|OUTSIDE' }));
  });

  it('grep_search caps what it shows at 200 matches and says how many there were', async () => {
    const o = await run('grep_search', { pattern: '^hit \\d', path: 'agentread/many' });
    assert.equal(o.status, 'done', o.content);
    assert.deepEqual(o.facts, { matches: 300, files: 5, path: 'agentread/many' });
    const lines = o.content.split('\n');
    assert.equal(lines[0], 'Found 300 matches in 5 files for /^hit \\d/ under agentread/many:');
    assert.match(lines[1]!, /^\[Showing the first 200 of 300 matches\. Narrow the search/);
    assert.equal(lines.filter((l) => /^agentread\/many\/hits\d\.txt:\d+: hit /.test(l)).length, 200);
    assert.ok(lines.includes('agentread/many/hits1.txt:1: hit 1.0'));
    assert.ok(!o.content.includes('hits5.txt'), 'the last file is past the cap');
  });

  it('grep_search: an invalid regex, a path outside or a bad glob is an error result', async () => {
    const bad = await run('grep_search', { pattern: 'parseUser(' });
    assert.equal(bad.status, 'error');
    assert.match(bad.content, /not a valid JavaScript regular expression/);
    for (const args of [{ pattern: 'x', path: '../' }, { pattern: 'x', path: 'agentread/linkdir' }, { pattern: 'x', glob: '../*' }, { pattern: 'x', path: 'agentread/.env' }]) {
      const o = await run('grep_search', args);
      assert.equal(o.status, 'error', `${JSON.stringify(args)}: ${o.content}`);
      clean(o);
    }
  });

  it('grep_search with a pattern that backtracks for minutes is stopped after 2 s with an error result, and the extension host runs on meanwhile', async () => {
    const slow = join(ws, 'agentread', 'slow');
    write(join(slow, 'line.txt'), `${'a'.repeat(40)}!\n`);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = Date.now();
    try {
      const o = await run('grep_search', { pattern: '^(a+)+$', path: 'agentread/slow' });
      assert.equal(o.status, 'error');
      assert.match(o.content, /took over 2 s on agentread\/slow\/line\.txt and the search was stopped/);
      const took = Date.now() - started;
      // In the host's own thread this regex would hold it for minutes and no tick would come.
      assert.ok(ticks > took / 10 / 4, `${ticks} ticks of 10 ms in ${took} ms`);
    } finally {
      clearInterval(ticker);
      rmSync(slow, { recursive: true, force: true });
    }
    // The next search works as before.
    const ok = await run('grep_search', { pattern: 'parseUser', path: 'agentread/src' });
    assert.equal(ok.status, 'done');
    assert.match(ok.content, /agentread\/src\/app\.ts:1: export function parseUser/);
  });

  it('Stop: an aborted call ends with an error result and reads nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    for (const name of ['read_file', 'list_directory', 'glob', 'grep_search'] as const) {
      const o = await run(name, { file_path: 'agentread/src/app.ts', path: 'agentread', pattern: 'parseUser' }, ctx(ac.signal));
      assert.equal(o.status, 'error');
      assert.ok(!o.content.includes('JSON.parse'));
    }
  });

  it('Stop during a search ends it between files, with an error result and no matches', async () => {
    // A signal that turns aborted after a few looks: the search is then inside its loop over files.
    let looks = 0;
    const signal = {
      get aborted() {
        return ++looks > 4;
      },
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    } as unknown as AbortSignal;
    const o = await run('grep_search', { pattern: 'hit', path: 'agentread/many' }, ctx(signal));
    assert.equal(o.status, 'error');
    assert.match(o.content, /^Stopped/);
    assert.ok(looks > 4 && looks < 10, String(looks));
  });
});
