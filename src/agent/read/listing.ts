// list_directory's and glob's answers. The caller has already left out every entry the send
// policy excludes, so nothing here ever sees a secret's or an ignored file's name.

/** Entries a listing shows at most; a larger folder is better explored with glob. */
export const MAX_LISTED_ENTRIES = 1000;
/** Files a glob shows at most. */
export const MAX_GLOB_RESULTS = 500;

export interface DirEntry {
  name: string;
  isDir: boolean;
}

/** Case-insensitive first, then by code unit, so the order never depends on the locale. */
export function byName(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Folders first, each group by name. */
export function sortEntries(entries: readonly DirEntry[]): DirEntry[] {
  return [...entries].sort((a, b) => (a.isDir !== b.isDir ? (a.isDir ? -1 : 1) : byName(a.name, b.name)));
}

/** `shown` is the folder as results name it; `more` says the folder had more entries than listed. */
export function formatListing(shown: string, entries: readonly DirEntry[], more = false): string {
  const where = shown === '.' ? 'the first workspace folder (.)' : shown;
  if (entries.length === 0) return `${where} is empty.`;
  const lines = entries.map((e) => (e.isDir ? `${e.name}/` : e.name));
  const head = `Contents of ${where} (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}; folders end with /):`;
  const note = more ? [`[Showing the first ${entries.length} entries; the folder has more. Use glob to find specific files.]`] : [];
  return [head, ...note, ...lines].join('\n');
}

/** glob's answer: `files` are display paths, already sorted; at most `max` are shown. */
export function formatGlob(what: string, files: readonly string[], max = MAX_GLOB_RESULTS, searchCapped = false): string {
  if (files.length === 0) return `No files match ${what}.`;
  const shown = files.slice(0, max);
  const head = `Found ${files.length}${searchCapped ? ' or more' : ''} file${files.length === 1 ? '' : 's'} matching ${what}:`;
  const notes: string[] = [];
  if (shown.length < files.length || searchCapped) {
    notes.push(`[Showing the first ${shown.length}${searchCapped ? '' : ` of ${files.length}`}. Use a more specific pattern or a path to see the rest.]`);
  }
  return [head, ...notes, ...shown].join('\n');
}
