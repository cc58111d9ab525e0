// Files that must never be sent to a model, whatever the action: a small glob matcher with
// gitignore-like meaning, case-insensitive (over-excluding `.ENV` is the safe mistake).
//  - a pattern without `/` matches any one path segment, so `secrets` excludes a folder of that
//    name and everything in it, and `*.pem` any file ending so, at any depth;
//  - a pattern with `/` matches consecutive segments anywhere in the path (`/` first anchors it
//    to the start), and everything under what it matches;
//  - `*` and `?` stay within a segment, `**` crosses them, `[abc]`, `[!abc]` and `{a,b}` work.

export const DEFAULT_EXCLUDE_PATTERNS: readonly string[] = [
  '.env*',
  '*.pem',
  '*.key',
  'id_rsa*',
  'id_dsa*',
  'id_ecdsa*',
  'id_ed25519*',
  '*.p12',
  '*.pfx',
  '*.jks',
  '*.keystore',
  'secrets',
  'secrets.*',
  '.netrc',
  '.git-credentials',
  '.npmrc',
  '.pypirc',
  '.aws/credentials',
  '.docker/config.json',
  // a remote's URL may carry a token (https://user:token@host/…)
  '.git/config',
  'credentials.json',
  '.kube/config',
  '.pgpass',
  '.htpasswd',
  // an npm token, like .npmrc
  '.yarnrc.yml',
  // Terraform variables and state hold provider keys and database passwords in clear
  '*.tfvars',
  '*.tfvars.json',
  '*.tfstate',
  '*.tfstate.backup',
];

function globBody(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        // `**/` may match nothing; a bare `**` anything.
        if (glob[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i++;
        }
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, close);
        if (body[0] === '!') body = '^' + body.slice(1);
        re += '[' + body.replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else if (ch === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) re += '\\{';
      else {
        re += '(?:' + glob.slice(i + 1, close).split(',').map(globBody).join('|') + ')';
        i = close;
      }
    } else re += ch.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return re;
}

export function compileExcludes(patterns: readonly string[]): (path: string) => boolean {
  const res: RegExp[] = [];
  for (let raw of patterns) {
    raw = raw.trim().replace(/\\/g, '/');
    if (!raw || raw.startsWith('#')) continue;
    raw = raw.replace(/\/+$/, '');
    if (!raw.includes('/')) res.push(new RegExp('(?:^|/)' + globBody(raw) + '(?:/|$)', 'i'));
    else if (raw.startsWith('/')) res.push(new RegExp('^' + globBody(raw.slice(1)) + '(?:/|$)', 'i'));
    else res.push(new RegExp('(?:^|/)' + globBody(raw) + '(?:/|$)', 'i'));
  }
  return (path: string) => {
    const p = path.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
    return res.some((r) => r.test(p));
  };
}

const cache = new Map<string, (path: string) => boolean>();

/** Whether `path` (workspace-relative or absolute, / or \) matches any of `patterns`. */
export function isExcludedPath(path: string, patterns: readonly string[] = DEFAULT_EXCLUDE_PATTERNS): boolean {
  const key = patterns.join('\u0000');
  let m = cache.get(key);
  if (!m) {
    if (cache.size > 16) cache.clear();
    cache.set(key, (m = compileExcludes(patterns)));
  }
  return m(path);
}
