// Tests appended to an existing file arrive with their own imports at the top of the block. Left
// there they would sit mid-file and repeat what the file already imports (in TypeScript a repeated
// name does not even compile). This splits them off: imports the file already has are dropped,
// names it already imports are left out, and the rest go after the file's own imports.
// Additions only: no existing line is ever changed.

export interface AppendPlan {
  /** new import statements, to insert at `importsAt` (each ends without a line break) */
  imports: string[];
  /** offset in the existing text where the imports go: the end of its last import's line (after its line break) */
  importsAt: number;
  /** the appended code without the imports that moved or were dropped */
  body: string;
}

type Family = 'js' | 'python' | 'line';

const FAMILY: Record<string, Family> = {
  typescript: 'js', typescriptreact: 'js', javascript: 'js', javascriptreact: 'js', vue: 'js', svelte: 'js',
  python: 'python',
  java: 'line', kotlin: 'line', scala: 'line', groovy: 'line', csharp: 'line', rust: 'line', go: 'line', dart: 'line', swift: 'line', php: 'line',
};

/** One-line import forms for the languages compared line by line. */
const LINE_IMPORT = /^(import\s+(static\s+)?[\w.*]+\s*;?|using\s+(static\s+)?[\w.=\s]+;|use\s+[\w:{}*,\s]+;|import\s+(\w+\s+)?"[^"]+"|import\s+'[^']+'\s*;?|import\s+\w+(\.\w+)*)\s*$/;

interface Statement {
  text: string;
  /** offset of the statement's first character */
  start: number;
  /** offset just past the statement's last line break */
  end: number;
}

const norm = (s: string): string => s.replace(/\s+/g, ' ').replace(/\s*;\s*$/, '').trim();

/** Whether line `i` starts an import, and the line where that statement ends (-1: not an import). */
function importExtent(lines: string[], i: number, family: Family): number {
  const first = lines[i]!;
  if (family === 'js') {
    if (!/^import[\s{*'"]/.test(first) || /^import\s*\(/.test(first)) return -1;
    // ends at its module string: `from 'x'` or a side-effect `import 'x'`
    for (let j = i; j < Math.min(lines.length, i + 60); j++) {
      if (/(from\s*|^import\s*)(['"])[^'"]*\2\s*;?\s*(\/\/.*)?$/.test(lines[j]!)) return j;
    }
    return -1;
  }
  if (family === 'python') {
    if (!/^(import\s+[\w.]|from\s+[\w.]+\s+import\s)/.test(first)) return -1;
    if (!first.includes('(') || first.includes(')')) return first.trimEnd().endsWith('\\') ? Math.min(i + 1, lines.length - 1) : i;
    for (let j = i + 1; j < Math.min(lines.length, i + 60); j++) if (lines[j]!.includes(')')) return j;
    return -1;
  }
  return LINE_IMPORT.test(first.trim()) && first === first.trimStart() ? i : -1;
}

/** Whether a header line is not code: blank, a comment, a directive, a package line. */
function isHeaderNoise(t: string, family: Family): boolean {
  if (t === '' || t.startsWith('//') || t.startsWith('*') || t.startsWith('#!')) return true;
  if (t.startsWith('#')) return family === 'python' || t.startsWith('#[') || t.startsWith('#!');
  return /^['"]use \w+['"];?$/.test(t) || /^(package|namespace|module)\s[\w.]+;?$/.test(t);
}

/** The import statements of a text's header: imports, blank lines, comments and directives before the code. */
function headerImports(text: string, family: Family): Statement[] {
  const raw = text.split('\n');
  const lines = raw.map((l) => l.replace(/\r$/, ''));
  const starts: number[] = [];
  let o = 0;
  for (const l of raw) starts.push(o), (o += l.length + 1);
  const endOf = (j: number) => Math.min(text.length, starts[j]! + raw[j]!.length + 1);
  const out: Statement[] = [];
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t.startsWith('/*')) {
      while (i < lines.length && !lines[i]!.includes('*/')) i++;
      continue;
    }
    if (family === 'python' && /^("""|\'\'\')/.test(t)) {
      const q = t.slice(0, 3);
      if (!(t.length >= 6 && t.endsWith(q))) {
        i++;
        while (i < lines.length && !lines[i]!.includes(q)) i++;
      }
      continue;
    }
    const end = importExtent(lines, i, family);
    if (end >= 0) {
      out.push({ text: lines.slice(i, end + 1).join('\n'), start: starts[i]!, end: endOf(end) });
      i = end;
      continue;
    }
    if (!isHeaderNoise(t, family)) break;
  }
  return out;
}

interface JsImport {
  module: string;
  defaultName?: string;
  namespace?: string;
  /** local name -> the statement's own spelling (`a`, `a as b`, `type a`) */
  named: Map<string, string>;
  typeOnly: boolean;
}

function parseJsImport(stmt: string): JsImport | undefined {
  const s = stmt.replace(/\s+/g, ' ').trim();
  const m = /^import (type )?(.*?)\s*from\s*(['"])([^'"]+)\3\s*;?\s*(\/\/.*)?$/.exec(s);
  if (!m) return undefined;
  const out: JsImport = { module: m[4]!, named: new Map(), typeOnly: !!m[1] };
  let clause = m[2]!.trim();
  const braces = /\{([^}]*)\}/.exec(clause);
  if (braces) {
    for (const part of braces[1]!.split(',').map((p) => p.trim()).filter(Boolean)) {
      const local = part.replace(/^type\s+/, '').split(/\s+as\s+/).pop()!.trim();
      out.named.set(local, part);
    }
    clause = clause.replace(braces[0], '').replace(/,\s*,/g, ',');
  }
  for (const part of clause.split(',').map((p) => p.trim()).filter(Boolean)) {
    const ns = /^\*\s*as\s+(\w+)$/.exec(part);
    if (ns) out.namespace = ns[1];
    else if (/^[\w$]+$/.test(part)) out.defaultName = part;
  }
  return out;
}

/** The JS import to add, without the names the file already binds; undefined when nothing is left. */
function jsRemainder(stmt: string, existing: JsImport[], bound: Set<string>): string | undefined {
  const imp = parseJsImport(stmt);
  if (!imp) return stmt;
  const sameModule = existing.filter((e) => e.module === imp.module);
  const defaultName = imp.defaultName && !bound.has(imp.defaultName) ? imp.defaultName : undefined;
  const namespace = imp.namespace && !bound.has(imp.namespace) ? imp.namespace : undefined;
  const named = [...imp.named].filter(([local]) => !bound.has(local)).map(([, spelled]) => spelled);
  if (!defaultName && !namespace && named.length === 0) return undefined;
  if (defaultName === imp.defaultName && namespace === imp.namespace && named.length === imp.named.size && sameModule.length === 0) return stmt.trim();
  const parts = [defaultName, namespace && `* as ${namespace}`, named.length ? `{ ${named.join(', ')} }` : undefined].filter(Boolean);
  const quote = /(['"])[^'"]+\1\s*;?\s*$/.exec(stmt)?.[1] ?? "'";
  const semi = /;\s*(\/\/.*)?$/.test(stmt.trim()) ? ';' : '';
  return `import ${imp.typeOnly ? 'type ' : ''}${parts.join(', ')} from ${quote}${imp.module}${quote}${semi}`;
}

/** The Python import to add, without the names the file already binds; undefined when nothing is left. */
function pythonRemainder(stmt: string, bound: Set<string>): string | undefined {
  const s = stmt.replace(/[()\\]/g, ' ').replace(/\s+/g, ' ').trim();
  const from = /^from ([\w.]+) import (.+)$/.exec(s);
  const names = from ? from[2]!.split(',') : s.replace(/^import /, '').split(',');
  const kept = names.map((n) => n.trim()).filter(Boolean).filter((n) => {
    const local = n.split(/\s+as\s+/).pop()!.trim();
    return n === '*' || !bound.has(from ? local : local.split('.')[0]!) || (!from && local.includes('.') && !bound.has(local));
  });
  if (kept.length === 0) return undefined;
  if (kept.length === names.length) return stmt.trim();
  return from ? `from ${from[1]} import ${kept.join(', ')}` : `import ${kept.join(', ')}`;
}

function pythonBound(stmts: Statement[]): Set<string> {
  const bound = new Set<string>();
  for (const st of stmts) {
    const s = st.text.replace(/[()\\]/g, ' ').replace(/\s+/g, ' ').trim();
    const from = /^from ([\w.]+) import (.+)$/.exec(s);
    for (const n of (from ? from[2]! : s.replace(/^import /, '')).split(',').map((x) => x.trim()).filter(Boolean)) {
      const local = n.split(/\s+as\s+/).pop()!.trim();
      bound.add(local);
      if (!from && !/\sas\s/.test(n)) bound.add(local.split('.')[0]!);
    }
  }
  return bound;
}

/**
 * Splits the imports off the top of `appended` for adding it to `existing`. Unknown languages, a
 * file with no imports of its own, or a block that starts with code come back unchanged (all body).
 */
export function planAppend(existing: string, appended: string, languageId: string): AppendPlan {
  const unchanged: AppendPlan = { imports: [], importsAt: 0, body: appended };
  const family = FAMILY[languageId];
  if (!family) return unchanged;
  const own = headerImports(existing, family);
  const lead = headerImports(appended, family);
  if (own.length === 0 || lead.length === 0) return unchanged;

  const ownNorm = new Set(own.map((s) => norm(s.text)));
  const imports: string[] = [];
  if (family === 'js') {
    const parsed = own.map((s) => parseJsImport(s.text)).filter((x): x is JsImport => !!x);
    const bound = new Set<string>();
    for (const p of parsed) {
      if (p.defaultName) bound.add(p.defaultName);
      if (p.namespace) bound.add(p.namespace);
      for (const local of p.named.keys()) bound.add(local);
    }
    for (const st of lead) {
      if (ownNorm.has(norm(st.text))) continue;
      const rest = jsRemainder(st.text, parsed, bound);
      if (rest !== undefined && !ownNorm.has(norm(rest))) imports.push(rest);
    }
  } else if (family === 'python') {
    const bound = pythonBound(own);
    for (const st of lead) {
      if (ownNorm.has(norm(st.text))) continue;
      const rest = pythonRemainder(st.text, bound);
      if (rest !== undefined) imports.push(rest);
    }
  } else {
    for (const st of lead) if (!ownNorm.has(norm(st.text))) imports.push(st.text.trim());
  }
  // The block without its import statements (comments before them stay), and no blank lines on top.
  let body = '';
  let from = 0;
  for (const st of lead) body += appended.slice(from, st.start), (from = st.end);
  body = (body + appended.slice(from)).replace(/^(?:[ \t]*\r?\n)+/, '');
  const unique = [...new Set(imports)];
  return { imports: unique, importsAt: own[own.length - 1]!.end, body };
}
