// The agent's four read-only tools in VS Code: read_file, list_directory, glob and grep_search.
// They run at once, without asking, so everything they touch goes through the send policy first:
// read_file as a file named by the model (`named`: secrets and links leading outside refused),
// the others as files nobody reviewed (`listed`: ignored files too, left out without a word).
// Open documents are read with their unsaved text (the gate's readWhole does that). The pure
// parts (slicing, matching, wording) live in ../read/. Nothing here throws: every failure is an
// error result with one sentence for the model.
import * as vscode from 'vscode';
import type { ContentGate } from '../../policy/vscode/contentGate';
import { displayPath, resolveToolPath } from '../paths';
import { firstArg, wholeNumberArg } from '../read/args';
import { fileFilterGlob, sanitizeGlob } from '../read/globPattern';
import { compilePattern, GrepReport } from '../read/grep';
import { RegexWorker } from '../read/regexWorker';
import { sliceLines } from '../read/lines';
import { byName, formatGlob, formatListing, MAX_LISTED_ENTRIES, sortEntries, type DirEntry } from '../read/listing';
import { refusalForModel } from '../read/refusal';
import type { ToolCallRequest, ToolOutcome, ToolRunContext } from '../types';

/** Never worth searching, and huge: left out unless the search is aimed inside one. */
const EXCLUDE_ALWAYS = '**/.git/**';
const EXCLUDE_DEFAULT = '{**/node_modules/**,**/.git/**}';
/** Files findFiles may give glob (each is then judged by the policy) and grep_search (each read). */
const MAX_GLOB_CANDIDATES = 5000;
const MAX_GREP_FILES = 10_000;
/** How long the model's regex may take on one file before the search is stopped (it backtracks). */
const GREP_FILE_TIMEOUT_MS = 2000;
/** Give the extension host's event loop a turn this often during a long listing or search. */
const YIELD_EVERY_FILES = 16;

const fail = (content: string): ToolOutcome => ({ status: 'error', content });
const STOPPED = fail('Stopped before the tool finished.');
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ReadTools {
  /**
   * @param folders the absolute fsPaths of the file-scheme workspace folders; the first is where
   *  relative paths start and what results are named relative to
   */
  constructor(
    private readonly gate: ContentGate,
    private readonly folders: () => string[],
    /** out/grepWorker.js: grep_search's regex runs in a worker thread it loads */
    private readonly grepWorkerFile: string,
  ) {}

  /** Runs read_file, list_directory, glob or grep_search; never throws. */
  async run(call: ToolCallRequest, ctx: ToolRunContext): Promise<ToolOutcome> {
    try {
      if (ctx.signal.aborted) return STOPPED;
      switch (call.name) {
        case 'read_file':
          return await this.readFile(call.args);
        case 'list_directory':
          return await this.listDirectory(call.args, ctx.signal);
        case 'glob':
          return await this.glob(call.args, ctx.signal);
        case 'grep_search':
          return await this.grep(call.args, ctx.signal);
        default:
          return fail(`${call.name} is not one of the read tools.`);
      }
    } catch (e) {
      return fail(`${call.name} failed: ${e instanceof Error ? e.message : String(e)}.`);
    }
  }

  private async readFile(args: Record<string, unknown>): Promise<ToolOutcome> {
    const folders = this.folders();
    const r = resolveToolPath(firstArg(args, 'file_path', 'absolute_path', 'path'), folders);
    if ('error' in r) return fail(r.error);
    const offset = wholeNumberArg(args.offset, 'offset', 0);
    if (typeof offset === 'object') return fail(offset.error);
    const limit = wholeNumberArg(args.limit, 'limit', 1);
    if (typeof limit === 'object') return fail(limit.error);
    const shown = displayPath(r.abs, folders);
    const uri = vscode.Uri.file(r.abs);
    // A named pipe or a device would make the read wait forever: only regular files (and folders,
    // which get their own sentence below) are read. A stat reads nothing, but it still waits for
    // the policy, so nothing is learnt about a file the model may not read.
    const refusal = await this.gate.check(uri, 'model');
    if (refusal) return fail(refusalForModel(refusal, shown));
    const type = await vscode.workspace.fs.stat(uri).then((st) => st.type, () => undefined);
    if (type !== undefined && (type & (vscode.FileType.File | vscode.FileType.Directory)) === 0) {
      return fail(`${shown} is not a regular file, so it was not read.`);
    }
    let got: Awaited<ReturnType<ContentGate['readWhole']>>;
    try {
      got = await this.gate.readWhole(uri, 'model');
    } catch (e) {
      return fail(fsErrorSentence(e, shown));
    }
    if ('refusal' in got) return fail(refusalForModel(got.refusal, shown));
    const s = sliceLines(got.text, offset, limit);
    if ('error' in s) return fail(s.error);
    const whole = s.startLine <= 1 && s.endLine === s.totalLines && s.cutLines === 0;
    return {
      status: 'done',
      content: s.content,
      facts: { path: shown, startLine: s.startLine, endLine: s.endLine, totalLines: s.totalLines, ...(whole ? {} : { truncated: true }) },
    };
  }

  private async listDirectory(args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
    const folders = this.folders();
    const dir = await this.folderArg(firstArg(args, 'path', 'dir_path') ?? '.', folders, false);
    if ('error' in dir) return fail(dir.error);
    const raw = await vscode.workspace.fs.readDirectory(dir.uri);
    const sorted = sortEntries(raw.map(([name, type]): DirEntry => ({ name, isDir: (type & vscode.FileType.Directory) !== 0 })));
    const kept: DirEntry[] = [];
    let more = false;
    for (let i = 0; i < sorted.length; i++) {
      if (signal.aborted) return STOPPED;
      if (kept.length >= MAX_LISTED_ENTRIES) {
        more = true;
        break;
      }
      const e = sorted[i]!;
      if (!(await this.gate.check(vscode.Uri.joinPath(dir.uri, e.name), 'listed'))) kept.push(e);
      if (i % YIELD_EVERY_FILES === YIELD_EVERY_FILES - 1) await yieldNow();
    }
    return { status: 'done', content: formatListing(dir.shown, kept, more), facts: { path: dir.shown, entries: kept.length } };
  }

  private async glob(args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
    const folders = this.folders();
    const g = sanitizeGlob(args.pattern, folders);
    if ('error' in g) return fail(g.error);
    let base = g.base;
    let shownBase: string | undefined;
    const pathArg = firstArg(args, 'path', 'dir_path');
    // An absolute pattern already says where to look; otherwise `path` does.
    if (!base && pathArg !== undefined && pathArg !== '') {
      const dir = await this.folderArg(pathArg, folders, false);
      if ('error' in dir) return fail(dir.error);
      base = dir.uri.fsPath;
      shownBase = dir.shown;
    }
    const found = await this.find(base, g.pattern, MAX_GLOB_CANDIDATES, signal);
    if (!found) return STOPPED;
    const files: string[] = [];
    for (let i = 0; i < found.uris.length; i++) {
      if (signal.aborted) return STOPPED;
      const uri = found.uris[i]!;
      if (!(await this.gate.check(uri, 'listed'))) files.push(displayPath(uri.fsPath, folders));
      if (i % YIELD_EVERY_FILES === YIELD_EVERY_FILES - 1) await yieldNow();
    }
    files.sort(byName);
    const what = `${JSON.stringify(String(args.pattern))}${shownBase ? ` in ${shownBase}` : ''}`;
    return {
      status: 'done',
      content: formatGlob(what, files, undefined, found.capped),
      facts: { entries: files.length, ...(shownBase ? { path: shownBase } : {}) },
    };
  }

  private async grep(args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
    const folders = this.folders();
    const re = compilePattern(args.pattern);
    if ('error' in re) return fail(re.error);
    const globArg = firstArg(args, 'glob', 'include');
    const filter = fileFilterGlob(globArg);
    if ('error' in filter) return fail(filter.error);
    const pathArg = firstArg(args, 'path', 'dir_path');
    let uris: vscode.Uri[];
    let capped = false;
    let shownBase: string | undefined;
    if (pathArg !== undefined && pathArg !== '') {
      const target = await this.folderArg(pathArg, folders, true);
      if ('error' in target) return fail(target.error);
      shownBase = target.shown;
      if (target.isFile) uris = [target.uri];
      else {
        const found = await this.find(target.uri.fsPath, filter.pattern, MAX_GREP_FILES, signal);
        if (!found) return STOPPED;
        ({ uris, capped } = found);
      }
    } else {
      const found = await this.find(undefined, filter.pattern, MAX_GREP_FILES, signal);
      if (!found) return STOPPED;
      ({ uris, capped } = found);
    }
    const named = uris.map((uri) => ({ uri, shown: displayPath(uri.fsPath, folders) })).sort((a, b) => byName(a.shown, b.shown));
    const report = new GrepReport();
    let skipped = 0;
    // The model's regex runs in a worker thread, stopped when one file takes too long: a pattern
    // that backtracks catastrophically would otherwise freeze the extension host.
    const worker = new RegexWorker(this.grepWorkerFile, re);
    try {
      for (const { uri, shown } of named) {
        if (signal.aborted) return STOPPED;
        let got: Awaited<ReturnType<ContentGate['readWhole']>> | undefined;
        try {
          got = await this.gate.readWhole(uri, 'listed');
        } catch {
          got = undefined; // gone since findFiles listed it, or unreadable: nothing to search
        }
        if (got && 'text' in got) {
          const found = await worker.match(got.text, report.room, GREP_FILE_TIMEOUT_MS, signal);
          if ('stopped' in found) return STOPPED;
          if ('timedOut' in found) return fail(`The pattern ${JSON.stringify(String(args.pattern))} took over ${GREP_FILE_TIMEOUT_MS / 1000} s on ${shown} and the search was stopped: it backtracks (nested quantifiers such as (a+)+ do). Search again with a simpler pattern.`);
          if ('error' in found) return fail(`The search failed: ${found.error}`);
          report.add(shown, got.text, found);
        } else if (got && (got.refusal.reason === 'binary' || got.refusal.reason === 'too-large')) {
          skipped++;
        } // secret, ignored or leading outside: left out without a word
      }
    } finally {
      worker.dispose();
    }
    const notes: string[] = [];
    if (capped) notes.push(`Only the first ${MAX_GREP_FILES} files were searched; give a path or a glob to search the rest.`);
    if (skipped > 0) notes.push(`${skipped} binary or too large file${skipped === 1 ? ' was' : 's were'} not searched.`);
    const what = `/${String(args.pattern)}/${typeof globArg === 'string' && globArg ? ` in files matching ${JSON.stringify(globArg)}` : ''}${shownBase ? ` under ${shownBase}` : ''}`;
    return {
      status: 'done',
      content: report.render(what, notes),
      facts: { matches: report.matches, files: report.files, ...(shownBase ? { path: shownBase } : {}) },
    };
  }

  /**
   * A folder argument (list_directory's path, glob's and grep's path): inside the workspace,
   * allowed by the policy as a listing, and a folder (or, when `fileOk`, a file).
   */
  private async folderArg(
    raw: unknown,
    folders: readonly string[],
    fileOk: boolean,
  ): Promise<{ uri: vscode.Uri; shown: string; isFile: boolean } | { error: string }> {
    const r = resolveToolPath(raw, folders);
    if ('error' in r) return r;
    const uri = vscode.Uri.file(r.abs);
    const shown = displayPath(r.abs, folders);
    const refusal = await this.gate.check(uri, 'listed');
    if (refusal) return { error: refusalForModel(refusal, shown) };
    let type: vscode.FileType;
    try {
      type = (await vscode.workspace.fs.stat(uri)).type;
    } catch (e) {
      return { error: fsErrorSentence(e, shown) };
    }
    const isFile = (type & vscode.FileType.Directory) === 0;
    if (isFile && !fileOk) return { error: `${shown} is a file, not a folder; use read_file to read it.` };
    return { uri, shown, isFile };
  }

  /** findFiles under `base` (or every folder), stopped by Stop; undefined when stopped. */
  private async find(base: string | undefined, pattern: string, max: number, signal: AbortSignal): Promise<{ uris: vscode.Uri[]; capped: boolean } | undefined> {
    const aimedAtModules = /(^|[\\/])node_modules([\\/]|$)/.test(`${base ?? ''}/${pattern}`);
    const include = base ? new vscode.RelativePattern(vscode.Uri.file(base), pattern) : pattern;
    const cts = new vscode.CancellationTokenSource();
    const cancel = () => cts.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      const uris = await vscode.workspace.findFiles(include, aimedAtModules ? EXCLUDE_ALWAYS : EXCLUDE_DEFAULT, max, cts.token);
      if (signal.aborted) return undefined;
      return { uris: uris.filter((u) => u.scheme === 'file'), capped: uris.length >= max };
    } finally {
      signal.removeEventListener('abort', cancel);
      cts.dispose();
    }
  }
}

/** A file system error as a sentence: missing, a folder, no permission. */
function fsErrorSentence(e: unknown, shown: string): string {
  const code = (e as { code?: string } | undefined)?.code ?? '';
  if (code === 'ENOENT' || code === 'FileNotFound' || code === 'ENOTDIR') return `${shown} does not exist; use list_directory or glob to find the right path.`;
  if (code === 'EISDIR' || code === 'FileIsADirectory') return `${shown} is a folder, not a file; use list_directory to see what it holds.`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'NoPermissions') return `${shown} could not be read: permission denied.`;
  return `${shown} could not be read${code ? ` (${code})` : ''}.`;
}
