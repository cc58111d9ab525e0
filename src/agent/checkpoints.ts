// What Undo Agent Task needs to put files back: per conversation, per task, for each file the task
// changed, its text before the task (null: the task created it) and the text the task left.
// Kept on disk through `CheckpointFiles` (src/agent/vscode/checkpointStore.ts: the workspace's
// storage folder), so Undo still works after a window reload. Plain Node, no vscode.
import { planRevert } from './undoPlan';

export interface FileCheckpoint {
  /** absolute fsPath */
  path: string;
  /** the file without the task's changes; null: the task created it */
  before: string | null;
  /** the text the task left (after its last change) */
  after: string | null;
  /** larger than the limit: not kept, so it cannot be restored */
  tooLarge?: boolean;
}

export interface TaskCheckpoint {
  taskId: string;
  /** when its first change was recorded (ms since the epoch) */
  at: number;
  files: FileCheckpoint[];
}

interface Stored {
  version: 1;
  tasks: TaskCheckpoint[];
}

/** Where a conversation's checkpoints are kept: one JSON text per conversation, written whole. */
export interface CheckpointFiles {
  read(conversationId: string): Promise<string | undefined>;
  /** must replace the old text atomically (write a temporary file, then rename) */
  write(conversationId: string, text: string): Promise<void>;
}

export interface CheckpointOptions {
  /** a file whose text is larger than this (UTF-8 bytes) is not kept */
  maxFileBytes?: number;
  /** how many of a conversation's most recent tasks are kept */
  maxTasks?: number;
  /** told when a file is too large to keep, or the store cannot be read or written */
  log?: (message: string) => void;
}

export const MAX_CHECKPOINT_FILE_BYTES = 5 * 1024 * 1024;
const MAX_TASKS = 5;

export class Checkpoints {
  private readonly cache = new Map<string, Promise<Stored>>();
  /** writes of one conversation, one after the other */
  private readonly queue = new Map<string, Promise<void>>();
  private readonly maxFileBytes: number;
  private readonly maxTasks: number;

  constructor(
    private readonly files: CheckpointFiles,
    private readonly opts: CheckpointOptions = {},
  ) {
    this.maxFileBytes = opts.maxFileBytes ?? MAX_CHECKPOINT_FILE_BYTES;
    this.maxTasks = opts.maxTasks ?? MAX_TASKS;
  }

  /**
   * A change the task made to a file: its text just before the change (null: the file did not
   * exist) and just after. The first change of a task to a file sets what undo restores; later
   * ones only move `after`. When the user edited the file between two of the task's changes,
   * their edits are carried into `before`, so that undo keeps them.
   */
  record(conversationId: string, taskId: string, path: string, before: string | null, after: string | null): Promise<void> {
    return this.update(conversationId, (data) => {
      let task = data.tasks.find((t) => t.taskId === taskId);
      if (!task) {
        task = { taskId, at: Date.now(), files: [] };
        data.tasks.push(task);
        if (data.tasks.length > this.maxTasks) data.tasks.splice(0, data.tasks.length - this.maxTasks);
      }
      const existing = task.files.find((f) => f.path === path);
      if (existing?.tooLarge) return;
      if (this.tooLarge(before) || this.tooLarge(after)) {
        this.opts.log?.(`Agent checkpoint: ${path} is larger than ${this.maxFileBytes} bytes, so Undo Agent Task cannot restore it.`);
        const entry: FileCheckpoint = { path, before: null, after: null, tooLarge: true };
        if (existing) Object.assign(existing, entry);
        else task.files.push(entry);
        return;
      }
      if (!existing) {
        task.files.push({ path, before, after });
        return;
      }
      if (existing.before !== null && existing.after !== null && before !== null && before !== existing.after) {
        // The user edited it since the task's last change: undo must keep that, so `before`
        // becomes the user's text without the task's earlier changes.
        existing.before = planRevert(existing.after, existing.before, before).keepMine;
      }
      existing.after = after;
    });
  }

  /** The conversation's most recent task that changed files. */
  async lastTask(conversationId: string): Promise<TaskCheckpoint | undefined> {
    const data = await this.load(conversationId);
    return data.tasks[data.tasks.length - 1];
  }

  /** Forgets a task (once it was undone, the task before it becomes the last). */
  drop(conversationId: string, taskId: string): Promise<void> {
    return this.update(conversationId, (data) => {
      data.tasks = data.tasks.filter((t) => t.taskId !== taskId);
    });
  }

  private tooLarge(text: string | null): boolean {
    // a UTF-16 length beyond the limit is beyond it in UTF-8 too; only near it count bytes
    return text !== null && (text.length > this.maxFileBytes || (text.length * 3 > this.maxFileBytes && Buffer.byteLength(text, 'utf8') > this.maxFileBytes));
  }

  private load(conversationId: string): Promise<Stored> {
    let p = this.cache.get(conversationId);
    if (!p) {
      p = this.files.read(conversationId).then(
        (text) => parse(text, (m) => this.opts.log?.(`Agent checkpoints of ${conversationId}: ${m}`)),
        (e) => {
          this.opts.log?.(`Agent checkpoints of ${conversationId} could not be read: ${String(e)}`);
          return empty();
        },
      );
      this.cache.set(conversationId, p);
    }
    return p;
  }

  private update(conversationId: string, change: (data: Stored) => void): Promise<void> {
    const prev = this.queue.get(conversationId) ?? Promise.resolve();
    const next = prev.then(async () => {
      const data = await this.load(conversationId);
      change(data);
      await this.files.write(conversationId, JSON.stringify(data));
    });
    // A failed write is logged; the next one still runs (and writes everything, this change included).
    const settled = next.catch((e) => this.opts.log?.(`Agent checkpoints of ${conversationId} could not be saved: ${String(e)}`));
    this.queue.set(conversationId, settled);
    return next;
  }
}

function empty(): Stored {
  return { version: 1, tasks: [] };
}

/** The stored text, checked; anything unreadable counts as no checkpoints (and is logged). */
function parse(text: string | undefined, log: (m: string) => void): Stored {
  if (!text) return empty();
  try {
    const raw = JSON.parse(text) as Partial<Stored>;
    if (raw?.version !== 1 || !Array.isArray(raw.tasks)) throw new Error('unknown format');
    const str = (x: unknown) => (typeof x === 'string' ? x : null);
    const tasks = raw.tasks
      .filter((t) => t && typeof t.taskId === 'string' && Array.isArray(t.files))
      .map((t) => ({
        taskId: t.taskId,
        at: typeof t.at === 'number' ? t.at : 0,
        files: t.files
          .filter((f) => f && typeof f.path === 'string')
          .map((f) => ({ path: f.path, before: str(f.before), after: str(f.after), ...(f.tooLarge ? { tooLarge: true } : {}) })),
      }));
    return { version: 1, tasks };
  } catch (e) {
    log(`ignored (${String(e)})`);
    return empty();
  }
}
