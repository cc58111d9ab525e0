// The layering rules of src/, checked by dependency-cruiser on every `npm test` (test/run-all.mjs)
// and proved by test/unit/lint/layers.test.ts, which plants each violation and expects it caught.
// The order, bottom to top (README, Design):
//   pure: qwen/, prompts/, edits/, protocol/, policy/, turns/, agent/, lm/ (not */vscode/)   no vscode, no glue
//   webview/                                                                         protocol/ and browser libraries only
//   glue: chat/, editor/, completions/, policy/vscode/, agent/vscode/, lm/vscode/, root files
//   commands/                                                                        the top: nothing imports it
//   core.ts, extension.ts                                                            composition roots
const PURE = '^src/(qwen|prompts|edits|protocol|policy|turns|agent|lm)/';
const PURE_EXCEPT = '^src/(policy|agent|lm)/vscode/';
const GLUE = '^src/(chat|editor|commands|completions|policy/vscode|agent/vscode|lm/vscode)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'pure-imports-vscode',
      comment: 'qwen/, prompts/, edits/, protocol/, policy/, turns/, lm/ and the agent core run and are tested in plain Node: no vscode.',
      severity: 'error',
      from: { path: PURE, pathNot: PURE_EXCEPT },
      // unresolved it is `vscode`; with @types/vscode installed it resolves to its declaration file
      to: { path: '^vscode$|(^|/)node_modules/@types/vscode/' },
    },
    {
      name: 'pure-imports-glue',
      comment: 'A pure layer may not reach up into the VS Code side (chat/, editor/, commands/, completions/, */vscode/), nor into root files other than the shared leaves.',
      severity: 'error',
      from: { path: PURE, pathNot: PURE_EXCEPT },
      to: { path: [GLUE, '^src/[^/]+\\.ts$'], pathNot: '^src/(constants|log)\\.ts$' },
    },
    {
      name: 'webview-imports-beyond-protocol',
      comment: 'The webview runs in the browser: it imports protocol/ and browser libraries, nothing of the host and nothing of Node.',
      severity: 'error',
      from: { path: '^src/webview/' },
      to: { pathNot: '^src/(webview|protocol)/|(^|/)node_modules/' },
    },
    {
      name: 'webview-imports-node',
      comment: 'Node built-ins do not exist in the webview.',
      severity: 'error',
      from: { path: '^src/webview/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'imports-commands',
      comment: 'commands/ is the top: only the composition roots (core.ts, extension.ts) register them.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/commands/', '^src/(core|extension)\\.ts$'] },
      to: { path: '^src/commands/' },
    },
    {
      name: 'runtime-cycle',
      comment: 'A cycle of runtime imports makes load order matter; type-only imports are erased and do not count.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // type-only imports are seen (so a pure layer cannot even name vscode's types) and marked, so
    // the cycle rule can leave them out
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)out/' },
  },
};
