// What a tool call did, in plain words ("Read src/app.ts, lines 1–200", "Ran `npm test`: exit 1"),
// built from its name, its arguments as the model wrote them (possibly invalid JSON), the host's
// facts and its status. Everything here is text nodes and our own elements: the arguments and the
// paths come from the model, so nothing of theirs is ever parsed as HTML.
import type { ToolCallPart, ToolFacts } from '../protocol/messages';
import { h } from './dom';
import { formatNumber, t, tNodes, type MessageKey } from './l10n';

/** On a file link in a row: the path to open (posted as `openPath`). */
export const OPEN_PATH_ATTR = 'data-open-path';

/** The edits that change files: a done one means the task has something to undo. */
export const FILE_TOOLS: readonly string[] = ['edit', 'write_file'];

export interface ParsedArgs {
  /** the arguments when they are a JSON object */
  object: Record<string, unknown> | undefined;
  /** pretty JSON when valid, else the raw text */
  display: string;
  valid: boolean;
}

/** Never throws: a model may write anything in `arguments`. */
export function parseArgs(text: string): ParsedArgs {
  try {
    const value: unknown = JSON.parse(text);
    const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    return { object, display: JSON.stringify(value, null, 2), valid: true };
  } catch {
    return { object: undefined, display: text, valid: false };
  }
}

function str(args: ParsedArgs, key: string): string | undefined {
  const v = args.object?.[key];
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

type Piece = string | Node;

function pathLink(path: string): HTMLElement {
  return h('button', { type: 'button', class: 'tool-path', [OPEN_PATH_ATTR]: path, title: t('openPath', path) }, path);
}

function code(text: string): HTMLElement {
  return h('code', { class: 'tool-code' }, text);
}

function count(n: number, one: MessageKey, many: MessageKey): string {
  return n === 1 ? t(one) : t(many, formatNumber(n));
}

/** "+6 −2" for an edit, "+40" for a new file; empty when the host gave no counts. */
function diffStat(f: ToolFacts | undefined): string {
  if (!f || f.added === undefined) return '';
  const stat = f.created || f.removed === undefined ? `+${formatNumber(f.added)}` : `+${formatNumber(f.added)} \u2212${formatNumber(f.removed)}`;
  return t('diffStat', stat);
}

/** What the row's sentence ends with for a state the verb alone does not say. */
function suffix(status: ToolCallPart['status'], declined: MessageKey = 'toolSuffixNotRun'): string {
  switch (status) {
    case 'pending': return t('toolSuffixWaiting');
    case 'denied': return t(declined);
    case 'error': return t('toolSuffixFailed');
    case 'interrupted': return t('toolSuffixInterrupted');
    default: return '';
  }
}

/** Three forms of one action: what it will do / is doing / did. */
interface Verbs {
  plain: MessageKey;
  doing: MessageKey;
  done: MessageKey;
}

function sentence(status: ToolCallPart['status'], verbs: Verbs, subject: Piece, declined?: MessageKey, extra = ''): Piece[] {
  if (status === 'running') return tNodes(verbs.doing, subject);
  if (status === 'done') return [...tNodes(verbs.done, subject), extra].filter((p) => p !== '');
  return [...tNodes(verbs.plain, subject), extra, suffix(status, declined)].filter((p) => p !== '');
}

/** The row's sentence, as text and elements (file links, code) in the user's language. */
export function toolSentence(p: ToolCallPart, args: ParsedArgs = parseArgs(p.args)): Piece[] {
  const f = p.facts;
  const status = p.status;
  const path = f?.path ?? str(args, 'file_path') ?? str(args, 'path');
  switch (p.name) {
    case 'read_file': {
      if (!path) break;
      if (status === 'done' && f?.startLine !== undefined && f.endLine !== undefined) {
        return tNodes('toolReadLines', pathLink(path), formatNumber(f.startLine), formatNumber(f.endLine));
      }
      return sentence(status, { plain: 'toolRead', doing: 'toolReading', done: 'toolRead' }, pathLink(path));
    }
    case 'list_directory': {
      if (!path) break;
      if (status === 'done' && f?.entries !== undefined) return tNodes('toolListed', pathLink(path), count(f.entries, 'entriesOne', 'entriesMany'));
      return sentence(status, { plain: 'toolList', doing: 'toolListing', done: 'toolList' }, pathLink(path));
    }
    case 'glob': {
      const pattern = str(args, 'pattern');
      if (!pattern) break;
      if (status === 'done' && f?.entries !== undefined) {
        if (f.entries === 0) return tNodes('toolFoundNone', code(pattern));
        if (f.entries === 1) return tNodes('toolFoundOne', code(pattern));
        return tNodes('toolFoundMany', formatNumber(f.entries), code(pattern));
      }
      return sentence(status, { plain: 'toolGlob', doing: 'toolGlobbing', done: 'toolGlob' }, code(pattern));
    }
    case 'grep_search': {
      const pattern = str(args, 'pattern');
      if (!pattern) break;
      if (status === 'done' && f?.matches !== undefined) {
        if (f.matches === 0) return tNodes('toolSearchedNone', code(pattern));
        const matches = count(f.matches, 'matchesOne', 'matchesMany');
        if (f.files === undefined) return tNodes('toolSearchedCount', code(pattern), matches);
        return tNodes('toolSearchedIn', code(pattern), matches, count(f.files, 'filesOne', 'filesMany'));
      }
      return sentence(status, { plain: 'toolSearch', doing: 'toolSearching', done: 'toolSearch' }, code(pattern));
    }
    case 'edit':
    case 'write_file': {
      if (!path) break;
      const verbs: Verbs = p.name === 'edit'
        ? { plain: 'toolEdit', doing: 'toolEditing', done: 'toolEdited' }
        : f?.created
          ? { plain: 'toolCreate', doing: 'toolCreating', done: 'toolCreated' }
          : { plain: 'toolWrite', doing: 'toolWriting', done: 'toolWrote' };
      // The size of the change matters while it waits and once made; not once rejected.
      const stat = status === 'pending' || status === 'done' ? diffStat(f) : '';
      return sentence(status, verbs, pathLink(path), 'toolSuffixRejected', stat);
    }
    case 'run_shell_command': {
      const command = f?.command ?? str(args, 'command');
      if (!command) break;
      const directory = commandFolder(f?.directory ?? str(args, 'directory'));
      if (status === 'denied') return tNodes('toolSkipped', code(command));
      if (status === 'done') {
        if (f?.timedOut) return tNodes('toolRanTimeout', code(command));
        if (typeof f?.exitCode === 'number' && f.exitCode !== 0) return tNodes('toolRanExit', code(command), String(f.exitCode));
        return tNodes('toolRan', code(command));
      }
      if (status === 'running') return tNodes('toolRunningCommand', code(command));
      const head = directory ? tNodes('toolRunIn', code(command), code(directory)) : tNodes('toolRun', code(command));
      return [...head, suffix(status)];
    }
  }
  // An unknown tool, or a known one whose arguments say too little to name what it did.
  return sentence(status, { plain: 'toolCall', doing: 'toolCalling', done: 'toolCalled' }, code(p.name));
}

/** The first non-empty line of an error result, short enough for one line under the row. */
export function firstLine(text: string | undefined): string | undefined {
  const line = text?.split(/\r?\n/).find((l) => l.trim() !== '')?.trim();
  if (!line) return undefined;
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** The folder a command runs in as the row names it: the first workspace folder itself ("." or "./") is the default, not named. */
export function commandFolder(dir: string | undefined): string | undefined {
  return dir === undefined || /^\.?\/?$/.test(dir.trim()) ? undefined : dir;
}
