// A long, realistic model answer, generated deterministically: prose with inline markup,
// Chinese paragraphs, lists (some holding code), tables, quotes and many fenced code blocks in
// several languages. Used by the render tests and by the render benchmark.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the parser reads each token once and keeps a small stack of open nodes so that memory stays ' +
  'bounded while the stream grows, which matters when a model writes long answers with many ' +
  'code samples; we check the boundary conditions first, then the common path, and finally the ' +
  'error handling, because a missing bracket or an unterminated string must never leave the ' +
  'editor in a broken state or block the extension host for more than a frame'
).split(' ');

const ZH = [
  '这个函数在每次调用时都会重新分配缓冲区，所以在长时间的流式输出中内存会不断增长。',
  '更好的做法是预先分配一个足够大的数组，并在写入时检查边界。',
  '注意：当输入为空字符串时，解析器应该立即返回，而不是抛出异常。',
  '我们可以用一个简单的状态机来跟踪当前是否位于代码块之内。',
  '测试应当覆盖中文、表情符号以及跨越多个数据块的多字节字符。',
  '如果模型在长度上限处被截断，用户可以点击“继续”让它接着写。',
];

const CODE: Record<string, string[]> = {
  typescript: [
    'export function parseChunk(buffer: string, state: ParserState): Token[] {',
    '  const tokens: Token[] = [];',
    '  for (let i = state.offset; i < buffer.length; i++) {',
    "    const ch = buffer.charCodeAt(i);",
    '    if (ch === 10 /* \\n */) {',
    "      tokens.push({ kind: 'newline', at: i });",
    '      state.line++;',
    '    } else if (state.inString && ch === 34) {',
    '      state.inString = false;',
    '    }',
    '  }',
    '  return tokens;',
    '}',
  ],
  python: [
    'def merge_intervals(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:',
    '    """Merge overlapping intervals; the input need not be sorted."""',
    '    if not intervals:',
    '        return []',
    '    intervals.sort(key=lambda x: x[0])',
    '    merged = [intervals[0]]',
    '    for start, end in intervals[1:]:',
    '        last_start, last_end = merged[-1]',
    '        if start <= last_end:',
    '            merged[-1] = (last_start, max(last_end, end))',
    '        else:',
    '            merged.append((start, end))',
    '    return merged  # 合并后的区间',
  ],
  go: [
    'func (s *Server) handleStream(w http.ResponseWriter, r *http.Request) {',
    '\tflusher, ok := w.(http.Flusher)',
    '\tif !ok {',
    '\t\thttp.Error(w, "streaming unsupported", http.StatusInternalServerError)',
    '\t\treturn',
    '\t}',
    '\tfor chunk := range s.chunks {',
    '\t\tfmt.Fprintf(w, "data: %s\\n\\n", chunk)',
    '\t\tflusher.Flush()',
    '\t}',
    '}',
  ],
  rust: [
    'pub fn tokenize(input: &str) -> Result<Vec<Token>, LexError> {',
    '    let mut out = Vec::with_capacity(input.len() / 4);',
    '    let mut chars = input.char_indices().peekable();',
    '    while let Some((i, c)) = chars.next() {',
    '        match c {',
    "            '0'..='9' => out.push(Token::Number(read_number(&mut chars, i)?)),",
    "            ' ' | '\\t' => continue,",
    '            _ => return Err(LexError::Unexpected(c, i)),',
    '        }',
    '    }',
    '    Ok(out)',
    '}',
  ],
  json: [
    '{',
    '  "compilerOptions": {',
    '    "target": "ES2022",',
    '    "strict": true,',
    '    "noUncheckedIndexedAccess": true',
    '  },',
    '  "include": ["src/**/*.ts"]',
    '}',
  ],
  bash: [
    'set -euo pipefail',
    'for f in src/**/*.ts; do',
    '  npx eslint "$f" --max-warnings 0 || exit 1',
    'done',
    'echo "lint ok"',
  ],
  sql: [
    'SELECT u.id, u.name, COUNT(o.id) AS orders',
    'FROM users u',
    'LEFT JOIN orders o ON o.user_id = u.id',
    "WHERE u.created_at > NOW() - INTERVAL '30 days'",
    'GROUP BY u.id, u.name',
    'HAVING COUNT(o.id) > 3',
    'ORDER BY orders DESC;',
  ],
  text: ['$ npm test', '  42 passing (1s)', '  1 failing', '', '  1) parser handles CRLF:', '     AssertionError: expected 3 to equal 2'],
};

const LANGS = Object.keys(CODE);

export function generateAnswer(targetBytes: number, seed = 7): string {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const sentence = (): string => {
    const n = 8 + Math.floor(r() * 14);
    const words: string[] = [];
    for (let i = 0; i < n; i++) {
      let w = pick(WORDS);
      const x = r();
      if (x < 0.04) w = `**${w}**`;
      else if (x < 0.08) w = `\`${w}()\``;
      else if (x < 0.1) w = `*${w}*`;
      else if (x < 0.11) w = `[${w}](https://example.com/docs/${w})`;
      words.push(w);
    }
    const s = words.join(' ');
    return s[0]!.toUpperCase() + s.slice(1) + '.';
  };
  const paragraph = (): string => Array.from({ length: 2 + Math.floor(r() * 4) }, sentence).join(' ');
  const code = (lang = pick(LANGS), repeat = 1 + Math.floor(r() * 3)): string => {
    const lines: string[] = [];
    for (let i = 0; i < repeat; i++) lines.push(...CODE[lang]!);
    return '```' + lang + '\n' + lines.join('\n') + '\n```';
  };
  const parts: string[] = [];
  let bytes = 0;
  const push = (s: string) => {
    parts.push(s);
    bytes += utf8Length(s) + 2;
  };
  let section = 1;
  push(`Here is a walkthrough of the change, section by section. 这是一个分步骤的说明。`);
  while (bytes < targetBytes) {
    const x = r();
    if (x < 0.08) push(`## ${section++}. ${pick(['Parsing', 'Streaming', 'Error handling', '边界条件', 'Testing', 'Performance'])} ${section}`);
    else if (x < 0.36) push(paragraph());
    else if (x < 0.46) push(pick(ZH) + pick(ZH) + ' `' + pick(WORDS) + '` ' + pick(ZH));
    else if (x < 0.68) push(code());
    else if (x < 0.76) push(Array.from({ length: 2 + Math.floor(r() * 5) }, () => `- ${sentence()}`).join('\n'));
    else if (x < 0.82) {
      push(`1. ${sentence()}\n2. Install the dependencies:\n\n   \`\`\`bash\n   npm install --save-exact marked@18\n   \`\`\`\n\n3. ${sentence()}`);
    } else if (x < 0.88) {
      const rows = Array.from({ length: 3 + Math.floor(r() * 4) }, (_, i) => `| \`${pick(WORDS)}\` | ${i * 17 + 3} ms | ${pick(['ok', '慢', 'fails on CRLF'])} |`);
      push(['| Case | Time | Note |', '| --- | ---: | --- |', ...rows].join('\n'));
    } else if (x < 0.92) push(`> **Note:** ${sentence()}\n> ${pick(ZH)}`);
    else if (x < 0.94) push(code(pick(LANGS), 8));
    else push(`${sentence()}\n${sentence()}`);
  }
  return parts.join('\n\n') + '\n';
}

/** UTF-8 size without Node's Buffer, so the generator also runs in a page. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Splits text into pieces of `size` UTF-16 units (a surrogate pair is never split). */
export function chunk(text: string, size: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + size);
    const c = text.charCodeAt(end - 1);
    if (end < text.length && c >= 0xd800 && c <= 0xdbff) end++;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}
