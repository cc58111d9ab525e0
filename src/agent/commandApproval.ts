// Whether a command the model asks to run matches the user's `qwen.agent.autoApproveCommands`
// prefixes, so it may run without asking. Pure: no vscode, no Node.
//
// A prefix approves one simple command that starts with it, never a second command hidden after
// it. We do not parse the shell's grammar; we refuse anything that could start another command
// or write a file, and accept only what is plainly one command with arguments. When in doubt the
// answer is "ask the user", which costs one click; the other mistake costs the user's machine.

/**
 * posix:   sh/bash/zsh (the child process on macOS and Linux, the usual terminal shells), and
 *          close enough for PowerShell's operators (`;`, `&`, `|`, `(…)`, `$(…)`, backticks).
 * windows: cmd.exe (Node's `shell: true` on Windows) does not treat `'` as a quote and expands
 *          `%VAR%` and `^` inside `"…"`, so no quoting protects anything there: every
 *          metacharacter anywhere refuses.
 */
export type ShellDialect = 'posix' | 'windows';

const WINDOWS_META = /[;&|<>^%!()`$\r\n]/;

/** Control characters other than tab (a newline or NUL is never part of one simple command). */
function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09) || code === 0x7f;
}

/**
 * True when `command`, read by a POSIX shell, is one simple command: no unquoted `;`, `&`, `|`,
 * `<`, `>`, `(`, `)`, no backticks, `$(`, `${`, `$'`, `$"` or `!` outside single quotes, no
 * control characters, and every quote closed.
 */
export function isSimplePosixCommand(command: string): boolean {
  let state: 'plain' | 'single' | 'double' = 'plain';
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (isControl(ch.charCodeAt(0))) return false;
    if (state === 'single') {
      // everything is literal up to the closing quote
      if (ch === "'") state = 'plain';
      continue;
    }
    if (ch === '`') return false; // command substitution (and PowerShell's escape character)
    // `!` is history expansion in an interactive shell (the terminal), also inside "…": `!!`
    // would paste the previous command line, operators included.
    if (ch === '!') return false;
    if (ch === '$') {
      const next = command[i + 1];
      // $( and $(( substitute; ${…} can hide them and has prompt-expansion forms; $'…' and $"…"
      // are quotes with their own escaping rules, which this reader does not follow.
      if (next === '(' || next === '{' || next === "'" || next === '"') return false;
      continue;
    }
    if (state === 'double') {
      if (ch === '\\') {
        const next = command[i + 1];
        // escaped: literal (a newline after it is not skipped, so it is refused next turn)
        if (next === '$' || next === '`' || next === '"' || next === '\\') i++;
      } else if (ch === '"') state = 'plain';
      continue;
    }
    // plain (unquoted)
    if (ch === '\\') {
      const next = command[i + 1];
      if (next === undefined || isControl(next.charCodeAt(0))) return false; // line continuation
      i++; // the next character is literal
      continue;
    }
    if (ch === "'") state = 'single';
    else if (ch === '"') state = 'double';
    // `;` `&` `|` separate or background commands; `<` `>` redirect (and `<(` `>(` substitute);
    // `(` `)` open a subshell, and in PowerShell evaluate an expression as an argument.
    else if (';&|<>()'.includes(ch)) return false;
  }
  return state === 'plain';
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether `command` may run without asking: it is one simple command (see isSimplePosixCommand)
 * and it is one of `prefixes` exactly, or a prefix followed by whitespace and arguments. Runs of
 * spaces and tabs between words count as one; leading and trailing ones are ignored. An empty or
 * blank prefix never matches, and `npm test` does not approve `npm testing`.
 */
export function autoApproved(command: string, prefixes: readonly string[], dialect: ShellDialect = 'posix'): boolean {
  if (typeof command !== 'string') return false;
  const cmd = command.replace(/^[ \t]+|[ \t]+$/g, '');
  if (cmd === '') return false;
  const simple = dialect === 'windows' ? !WINDOWS_META.test(cmd) && ![...cmd].some((c) => isControl(c.charCodeAt(0))) && isSimplePosixCommand(cmd) : isSimplePosixCommand(cmd);
  if (!simple) return false;
  for (const prefix of prefixes) {
    if (typeof prefix !== 'string') continue;
    const words = prefix.trim().split(/[ \t]+/).filter(Boolean);
    if (words.length === 0) continue;
    const re = new RegExp(`^${words.map(escapeRegExp).join('[ \\t]+')}(?:[ \\t]|$)`);
    if (re.test(cmd)) return true;
  }
  return false;
}
