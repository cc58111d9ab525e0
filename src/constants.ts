// Every public name of the extension in one place: users' keybindings and settings rely on them, so
// they never change. package.json holds the same ids;
// test/integration checks that the two agree.

export const EXTENSION_ID = 'qwen-coder.qwen-coder';

export const Commands = {
  setApiKey: 'qwen.setApiKey',
  clearApiKey: 'qwen.clearApiKey',
  selectModel: 'qwen.selectModel',
  openChat: 'qwen.openChat',
  newChat: 'qwen.newChat',
  stop: 'qwen.stop',
  explainSelection: 'qwen.explainSelection',
  refactorSelection: 'qwen.refactorSelection',
  fixSelection: 'qwen.fixSelection',
  documentSelection: 'qwen.documentSelection',
  generateTests: 'qwen.generateTests',
  inlineEdit: 'qwen.inlineEdit',
  acceptEdit: 'qwen.acceptEdit',
  rejectEdit: 'qwen.rejectEdit',
  newAgentTask: 'qwen.newAgentTask',
  agentApprove: 'qwen.agent.approve',
  agentDeny: 'qwen.agent.deny',
  agentUndoTask: 'qwen.agent.undoTask',
} as const;

export const Views = {
  container: 'qwen',
  chat: 'qwen.chatView',
} as const;

export const Settings = {
  section: 'qwen',
  provider: 'provider',
  baseUrl: 'baseUrl',
  model: 'model',
  completionsEnabled: 'completions.enabled',
  completionsModel: 'completions.model',
  completionsDebounceMs: 'completions.debounceMs',
  maxRetries: 'request.maxRetries',
  firstByteTimeoutSeconds: 'request.firstByteTimeoutSeconds',
  idleTimeoutSeconds: 'request.idleTimeoutSeconds',
} as const;

/** The vendor of package.json's languageModelChatProviders: `vscode.lm.selectChatModels({ vendor: 'qwen' })`. */
export const LM_VENDOR = 'qwen';

/** Context keys used in `when` clauses. */
export const ContextKeys = {
  streaming: 'qwen.streaming',
  hasPendingEdit: 'qwen.hasPendingEdit',
  /** a key is stored (or in its environment variable) for the active provider: the walkthrough's key step */
  hasApiKey: 'qwen.hasApiKey',
} as const;

/** The walkthrough of package.json (contributes.walkthroughs), as `workbench.action.openWalkthrough` names it. */
export const WALKTHROUGH = `${EXTENSION_ID}#firstRun`;

/** The walkthrough's "Open a Sample" button: an untitled buffer to try Explain on (no core needed). */
export const OPEN_SAMPLE_COMMAND = 'qwen.walkthrough.openSample';

/** URI scheme of the read-only documents that hold a pending proposal (the diff editor's right side). */
export const PROPOSAL_SCHEME = 'qwen-proposal';

/** Prefix of the SecretStorage entry holding one provider's key. */
export const SECRET_PREFIX = 'qwen.apiKey.';
