// qwen3-coder served without a tool parser (vLLM, LM Studio) writes its calls as text in `content`:
//   <tool_call>
//   <function=read_file>
//   <parameter=file_path>
//   /abs/path
//   </parameter>
//   </function>
//   </tool_call>
// This reads those calls out of a step's text, and says where the first call starts so the text
// before it stays the answer and the markup is not shown. Linear in the text.

export interface XmlCall {
  name: string;
  /** the arguments as a JSON object text, like a native call's */
  arguments: string;
}

const OPEN = '<tool_call>';
const CLOSE = '</tool_call>';

const FN = '<function=';

/**
 * Where a call's markup starts in `text`: `sure` when a whole opening tag is there, not sure when
 * the text ends with what may become one (`<tool_c`, still arriving). Undefined when neither.
 */
export function findCallMarkup(text: string): { at: number; sure: boolean } | undefined {
  const i = text.indexOf(OPEN);
  const f = text.indexOf(FN);
  const at = i < 0 ? f : f < 0 ? i : Math.min(i, f);
  if (at >= 0) return { at, sure: true };
  for (let k = Math.min(OPEN.length - 1, text.length); k > 0; k--) {
    const end = text.slice(text.length - k);
    if (OPEN.startsWith(end) || FN.startsWith(end)) return { at: text.length - k, sure: false };
  }
  return undefined;
}

/** Trims the one newline the format puts after an opening tag and before a closing one. */
function value(raw: string): string {
  return raw.replace(/^\r?\n/, '').replace(/\r?\n$/, '');
}

/**
 * Every complete call in the text. A parameter whose value is JSON (a number, boolean, object) is
 * kept as that value; anything else is a string.
 */
export function parseXmlCalls(text: string): XmlCall[] {
  const calls: XmlCall[] = [];
  const fnRe = /<function=([^>\s]+)>([\s\S]*?)<\/function>/g;
  // Calls may come with or without the <tool_call> wrapper.
  const start = text.indexOf(OPEN) >= 0 ? text.indexOf(OPEN) : text.indexOf('<function=');
  if (start < 0) return calls;
  const body = text.slice(start).split(CLOSE).join('');
  for (let m = fnRe.exec(body); m; m = fnRe.exec(body)) {
    const args: Record<string, unknown> = {};
    const paramRe = /<parameter=([^>\s]+)>([\s\S]*?)<\/parameter>/g;
    for (let p = paramRe.exec(m[2]!); p; p = paramRe.exec(m[2]!)) {
      const raw = value(p[2]!);
      let v: unknown = raw;
      if (/^(-?\d+(\.\d+)?|true|false|null)$/.test(raw.trim()) || /^[[{]/.test(raw.trim())) {
        try {
          v = JSON.parse(raw);
        } catch {
          v = raw;
        }
      }
      args[p[1]!] = v;
    }
    calls.push({ name: m[1]!, arguments: JSON.stringify(args) });
  }
  return calls;
}
