// A tool call's arguments, from the text the model wrote to an object the tool can trust. Models
// get JSON wrong in known ways (single-quoted strings, numbers as strings, a JSON string that holds
// the JSON object); those are read as meant. Anything else is an error sentence the model is sent,
// so it can try again: nothing runs on arguments that were guessed.
import { TOOL_SPECS } from './toolSpecs';
import type { ToolName } from './types';

export type ParsedArgs = { args: Record<string, unknown> } | { error: string };

/**
 * Single-quoted strings as JSON strings: `{'a': 'it\'s'}` → `{"a": "it's"}`. Double-quoted
 * strings are copied as they are. Linear in the text.
 */
export function singleToDoubleQuotes(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      out += text.slice(start, ++i);
    } else if (c === "'") {
      let s = '';
      i++;
      while (i < text.length && text[i] !== "'") {
        if (text[i] === '\\' && i + 1 < text.length) {
          const n = text[i + 1]!;
          s += n === "'" ? "'" : n === '"' ? '\\"' : `\\${n}`;
          i += 2;
        } else {
          s += text[i] === '"' ? '\\"' : text[i];
          i++;
        }
      }
      i++;
      out += `"${s}"`;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    let v: unknown = JSON.parse(text);
    // Some servers send the arguments JSON-encoded twice.
    if (typeof v === 'string') v = JSON.parse(v);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The arguments of a call to `name`, checked against its parameters. */
export function parseCallArgs(name: ToolName, raw: string): ParsedArgs {
  const text = raw.trim();
  const spec = TOOL_SPECS[name];
  let obj: Record<string, unknown> | undefined = text === '' ? {} : parseObject(text);
  if (!obj && text.includes("'")) obj = parseObject(singleToDoubleQuotes(text));
  if (!obj) {
    return { error: `The arguments of this ${name} call are not valid JSON. Call the tool again with a JSON object, e.g. {${spec.required.map((k) => `"${k}": …`).join(', ')}}.` };
  }
  const args: Record<string, unknown> = {};
  for (const [key, param] of Object.entries(spec.params)) {
    let v = obj[key];
    if (v === undefined || v === null) continue;
    if (param.type === 'number' && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) v = Number(v);
    if (param.type === 'boolean' && (v === 'true' || v === 'false')) v = v === 'true';
    if (param.type === 'string' && (typeof v === 'number' || typeof v === 'boolean')) v = String(v);
    if (typeof v !== param.type || (param.type === 'number' && !Number.isFinite(v as number))) {
      return { error: `The ${name} parameter "${key}" must be a ${param.type}.` };
    }
    args[key] = v;
  }
  const missing = spec.required.filter((k) => args[k] === undefined);
  if (missing.length) return { error: `The ${name} call is missing ${missing.map((k) => `"${k}"`).join(' and ')}.` };
  const unknown = Object.keys(obj).filter((k) => !(k in spec.params));
  // Extra keys are ignored, not refused: models add harmless ones ("explanation"); they are named
  // in the log by the caller if wanted, never acted on.
  void unknown;
  return { args };
}
