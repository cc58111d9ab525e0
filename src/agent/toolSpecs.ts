// The tools as the model is offered them: Qwen Code's names and parameters (qwen3-coder is trained
// on them), each with a JSON Schema the arguments are checked against before anything runs.
import type { ToolDefinition } from '../qwen/types';
import type { ToolName } from './types';

type Param = { type: 'string' | 'number' | 'boolean'; description: string };

interface Spec {
  description: string;
  params: Record<string, Param>;
  required: readonly string[];
}

const PATH_NOTE = 'An absolute path inside a workspace folder, or a path relative to the first workspace folder.';

export const TOOL_SPECS: Record<ToolName, Spec> = {
  read_file: {
    description:
      'Reads a file from the workspace and returns its text (unsaved editor text included). Long files are shown in parts: use offset and limit to read more. Read a file before editing it.',
    params: {
      file_path: { type: 'string', description: `The file to read. ${PATH_NOTE}` },
      offset: { type: 'number', description: 'The 0-based line to start reading from (optional).' },
      limit: { type: 'number', description: 'How many lines to read (optional; default 2000).' },
    },
    required: ['file_path'],
  },
  list_directory: {
    description: 'Lists the files and folders in a workspace directory (folders end with /). Ignored and secret files are not listed.',
    params: { path: { type: 'string', description: `The directory to list. ${PATH_NOTE}` } },
    required: ['path'],
  },
  glob: {
    description: 'Finds files whose paths match a glob pattern such as `src/**/*.ts`, across the workspace or under one folder.',
    params: {
      pattern: { type: 'string', description: 'The glob pattern to match.' },
      path: { type: 'string', description: `The folder to search under (optional; default: the whole workspace). ${PATH_NOTE}` },
    },
    required: ['pattern'],
  },
  grep_search: {
    description: 'Searches file contents for a regular expression (JavaScript syntax) and returns matching lines with their file paths and line numbers.',
    params: {
      pattern: { type: 'string', description: 'The regular expression to search for.' },
      glob: { type: 'string', description: 'Only search files matching this glob pattern, e.g. `*.ts` (optional).' },
      path: { type: 'string', description: `The folder to search under (optional). ${PATH_NOTE}` },
    },
    required: ['pattern'],
  },
  edit: {
    description:
      'Replaces text in a file. old_string must match the file exactly (whitespace and indentation included) and occur exactly once, unless replace_all is true; include enough surrounding lines to make it unique. The user reviews the change before it is written.',
    params: {
      file_path: { type: 'string', description: `The file to edit. ${PATH_NOTE}` },
      old_string: { type: 'string', description: 'The exact text to replace.' },
      new_string: { type: 'string', description: 'The text to put in its place.' },
      replace_all: { type: 'boolean', description: 'Replace every occurrence of old_string (optional; default false).' },
    },
    required: ['file_path', 'old_string', 'new_string'],
  },
  write_file: {
    description: 'Writes a whole file: creates it, or replaces all of its content. Prefer edit for changes to an existing file. The user reviews it before it is written.',
    params: {
      file_path: { type: 'string', description: `The file to write. ${PATH_NOTE}` },
      content: { type: 'string', description: 'The complete content of the file.' },
    },
    required: ['file_path', 'content'],
  },
  run_shell_command: {
    description:
      'Runs a shell command in the workspace after the user approves it, and returns its output and exit code. Use it to build, test, or inspect the project; never for interactive programs.',
    params: {
      command: { type: 'string', description: 'The exact command to run.' },
      description: { type: 'string', description: 'A short sentence saying what the command does and why (optional).' },
      directory: { type: 'string', description: `The folder to run it in (optional; default: the first workspace folder). ${PATH_NOTE}` },
    },
    required: ['command'],
  },
};

/** The request's `tools` for these names, in the table's order. */
export function toolDefinitions(names: readonly ToolName[]): ToolDefinition[] {
  return names.map((name) => {
    const spec = TOOL_SPECS[name];
    return {
      type: 'function',
      function: {
        name,
        description: spec.description,
        parameters: { type: 'object', properties: spec.params, required: [...spec.required] },
      },
    };
  });
}
