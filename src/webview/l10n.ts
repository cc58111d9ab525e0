// The view's own words, in English and Simplified Chinese. The host picks the locale (init);
// host-made sentences (error messages, notices) arrive already localized.
import type { ErrorAction, Locale } from '../protocol/messages';

const en = {
  appLabel: 'Qwen chat',
  conversation: 'Conversation',
  history: 'Conversation history',
  showHistory: 'Show conversation history',
  hideHistory: 'Back to the conversation',
  newChat: 'New Chat',
  copyConversation: 'Copy conversation as Markdown',
  noConversations: 'No saved conversations yet.',
  openConversationNamed: 'Open conversation: {0}',
  deleteConversationNamed: 'Delete conversation: {0}',
  turnsCount: '{0} turns',
  oneTurn: '1 turn',
  untitled: 'Untitled conversation',
  emptyTitle: 'Ask Qwen about your code',
  emptyHint: 'Selected code and the active file are attached as context. Type @ to add another file.',
  needsKey: 'Set an API key to start chatting.',
  needsKeyHint: 'Qwen needs a key for the provider you chose. It stays in VS Code\u2019s secret storage.',
  startersLabel: 'Try asking',
  starterExplain: 'Explain the code I have selected',
  starterBugs: 'Find bugs in the current file',
  starterTests: 'Write unit tests for the selected function',
  shortcutsLabel: 'Keyboard shortcuts',
  shortcutExplain: 'Explain Selection',
  shortcutInline: 'Edit Inline',
  shortcutFix: 'Fix Selection',
  shortcutTests: 'Generate Tests',
  openWalkthrough: 'Get started with Qwen Coder',
  you: 'You',
  qwen: 'Qwen',
  input: 'Ask Qwen',
  inputPlaceholder: 'Ask about your code… (@ to add a file)',
  inputHint: 'Enter to send, Shift+Enter for a new line',
  send: 'Send',
  stop: 'Stop generating',
  model: 'Model',
  thinking: 'Thinking',
  thinkingOn: 'Thinking: on',
  thinkingOff: 'Thinking: off',
  thinkingAlways: 'This model always thinks',
  thinkingBudget: 'Thinking budget',
  budgetDefault: 'Default budget',
  budgetTokens: '{0} tokens',
  contextChips: 'Context attached to the next question',
  removeContext: 'Remove context: {0}',
  contextSelection: 'Selection',
  contextFile: 'File',
  contextEditor: 'Open editor',
  mentionList: 'Files to add as context',
  noMentions: 'No matching files',
  reasoning: 'Thinking',
  reasoningLive: 'Thinking…',
  toolPending: 'Waiting',
  toolRunning: 'Running',
  toolDone: 'Done',
  toolError: 'Failed',
  toolDenied: 'Not allowed',
  toolInterrupted: 'Interrupted',
  answering: 'Qwen is answering…',
  answerComplete: 'Answer complete.',
  answerStopped: 'Stopped. The partial answer is kept.',
  stoppedNote: 'Stopped',
  cutOffNote: 'The answer was cut off at the length limit.',
  filteredNote: 'The provider stopped this answer (content moderation).',
  continue: 'Continue',
  regenerate: 'Regenerate',
  editQuestion: 'Edit and resend',
  editQuestionLabel: 'Edit question',
  saveAndSend: 'Send',
  cancel: 'Cancel',
  copyCode: 'Copy',
  copied: 'Copied',
  insertCode: 'Insert at cursor',
  applyCode: 'Apply to file',
  codeBlock: 'Code block',
  codeBlockIn: '{0} code block',
  trimmedNote: 'Earlier messages were left out to fit the model’s context window ({0}).',
  truncatedNote: 'This answer was too long to keep whole: only its first {0} characters are kept.',
  viewBroken: 'The chat view could not show what Qwen Coder sent it. The details are in the Qwen Coder log.',
  viewBrokenRetry: 'Try again',
  trimmedOne: '1 turn',
  trimmedMany: '{0} turns',
  usageIn: '{0} in',
  usageOut: '{0} out',
  usageCached: '{0} cached',
  usageReasoning: '{0} thinking',
  usageLabel: 'Token usage and cost',
  priceUnknown: 'price unknown',
  confirmLarge: 'This request is about {0} tokens{1}. Send it?',
  confirmLargeCost: ' (about {0})',
  confirmLargeWindow: '; the model’s window is {0} tokens',
  confirmSend: 'Send anyway',
  error: 'Error',
  image: 'image',
} as const;

export type MessageKey = keyof typeof en;

const zhCn: Record<MessageKey, string> = {
  appLabel: 'Qwen 对话',
  conversation: '对话',
  history: '对话历史',
  showHistory: '显示对话历史',
  hideHistory: '返回对话',
  newChat: '新对话',
  copyConversation: '将对话复制为 Markdown',
  noConversations: '还没有保存的对话。',
  openConversationNamed: '打开对话：{0}',
  deleteConversationNamed: '删除对话：{0}',
  turnsCount: '{0} 轮',
  oneTurn: '1 轮',
  untitled: '未命名对话',
  emptyTitle: '向 Qwen 询问你的代码',
  emptyHint: '选中的代码和当前文件会作为上下文附上。输入 @ 可添加其他文件。',
  needsKey: '请先设置 API 密钥再开始对话。',
  needsKeyHint: '所选服务商需要 API 密钥，密钥保存在 VS Code 的机密存储中。',
  startersLabel: '试着问问',
  starterExplain: '解释我选中的代码',
  starterBugs: '找出当前文件中的 bug',
  starterTests: '为选中的函数编写单元测试',
  shortcutsLabel: '快捷键',
  shortcutExplain: '解释选中内容',
  shortcutInline: '内联编辑',
  shortcutFix: '修复选中内容',
  shortcutTests: '生成测试',
  openWalkthrough: 'Qwen Coder 入门',
  you: '你',
  qwen: 'Qwen',
  input: '向 Qwen 提问',
  inputPlaceholder: '询问你的代码…（输入 @ 添加文件）',
  inputHint: 'Enter 发送，Shift+Enter 换行',
  send: '发送',
  stop: '停止生成',
  model: '模型',
  thinking: '思考',
  thinkingOn: '思考：开',
  thinkingOff: '思考：关',
  thinkingAlways: '该模型始终会思考',
  thinkingBudget: '思考预算',
  budgetDefault: '默认预算',
  budgetTokens: '{0} 个 token',
  contextChips: '随下一个问题发送的上下文',
  removeContext: '移除上下文：{0}',
  contextSelection: '选中内容',
  contextFile: '文件',
  contextEditor: '打开的编辑器',
  mentionList: '可添加为上下文的文件',
  noMentions: '没有匹配的文件',
  reasoning: '思考过程',
  reasoningLive: '正在思考…',
  toolPending: '等待中',
  toolRunning: '运行中',
  toolDone: '已完成',
  toolError: '失败',
  toolDenied: '未允许',
  toolInterrupted: '已中断',
  answering: 'Qwen 正在回答…',
  answerComplete: '回答完成。',
  answerStopped: '已停止，保留了已生成的部分。',
  stoppedNote: '已停止',
  cutOffNote: '回答因长度限制被截断。',
  filteredNote: '服务商中止了这个回答（内容审核）。',
  continue: '继续',
  regenerate: '重新生成',
  editQuestion: '编辑并重新发送',
  editQuestionLabel: '编辑问题',
  saveAndSend: '发送',
  cancel: '取消',
  copyCode: '复制',
  copied: '已复制',
  insertCode: '在光标处插入',
  applyCode: '应用到文件',
  codeBlock: '代码块',
  codeBlockIn: '{0} 代码块',
  trimmedNote: '为适应模型的上下文窗口，省略了较早的消息（{0}）。',
  truncatedNote: '这个回答太长，无法完整保留：只保留了前 {0} 个字符。',
  viewBroken: '聊天视图无法显示 Qwen Coder 发送的内容。详情见 Qwen Coder 日志。',
  viewBrokenRetry: '重试',
  trimmedOne: '1 轮',
  trimmedMany: '{0} 轮',
  usageIn: '输入 {0}',
  usageOut: '输出 {0}',
  usageCached: '缓存 {0}',
  usageReasoning: '思考 {0}',
  usageLabel: 'Token 用量与费用',
  priceUnknown: '价格未知',
  confirmLarge: '这个请求约有 {0} 个 token{1}。确定发送吗？',
  confirmLargeCost: '（约 {0}）',
  confirmLargeWindow: '，模型的上下文窗口为 {0} 个 token',
  confirmSend: '仍然发送',
  error: '错误',
  image: '图片',
};

const errorActionsEn: Record<ErrorAction, string> = {
  setApiKey: 'Set API Key',
  retry: 'Retry',
  removeFlagged: 'Remove the flagged message',
  openSettings: 'Open Settings',
  selectModel: 'Select Model',
  showLog: 'Show Log',
};
const errorActionsZh: Record<ErrorAction, string> = {
  setApiKey: '设置 API 密钥',
  retry: '重试',
  removeFlagged: '移除被标记的消息',
  openSettings: '打开设置',
  selectModel: '选择模型',
  showLog: '查看日志',
};

let locale: Locale = 'en';

export function setLocale(next: Locale): void {
  locale = next;
}

export function currentLocale(): Locale {
  return locale;
}

export function t(key: MessageKey, ...args: (string | number)[]): string {
  const template: string = locale === 'zh-cn' ? zhCn[key] : en[key];
  return args.length ? template.replace(/\{(\d)\}/g, (_, i: string) => String(args[Number(i)] ?? '')) : template;
}

export function errorActionLabel(action: ErrorAction): string {
  return (locale === 'zh-cn' ? errorActionsZh : errorActionsEn)[action];
}

const numberFormats = new Map<Locale, Intl.NumberFormat>();
export function formatNumber(n: number): string {
  let f = numberFormats.get(locale);
  if (!f) numberFormats.set(locale, (f = new Intl.NumberFormat(locale === 'zh-cn' ? 'zh-CN' : 'en-US')));
  return f.format(n);
}

/** Dollars with enough digits to show sub-cent prices. */
export function formatUsd(usd: number): string {
  const digits = usd === 0 ? 2 : usd < 0.01 ? 4 : usd < 1 ? 3 : 2;
  return `$${usd.toFixed(digits)}`;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(kind: 'time' | 'date'): Intl.DateTimeFormat {
  const key = `${locale}:${kind}`;
  let f = dateFormats.get(key);
  if (!f) {
    const tag = locale === 'zh-cn' ? 'zh-CN' : 'en-US';
    f = new Intl.DateTimeFormat(tag, kind === 'time' ? { hour: '2-digit', minute: '2-digit' } : { year: 'numeric', month: 'short', day: 'numeric' });
    dateFormats.set(key, f);
  }
  return f;
}

/** A time for today's conversations, a date for older ones. */
export function formatDate(epochMs: number, now = Date.now()): string {
  const d = new Date(epochMs);
  return dateFormat(new Date(now).toDateString() === d.toDateString() ? 'time' : 'date').format(d);
}
