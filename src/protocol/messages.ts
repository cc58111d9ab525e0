// The one schema of every message between the extension host and the chat webview.
// Both sides import this module; each side validates what it receives and drops what fails.
// No vscode, no Node, no DOM: it runs in the extension host, the webview and plain mocha.
// A namespace import lets the bundler drop zod's locales (~370 KB) from the webview.
import * as z from 'zod';

// The webview's CSP has no 'unsafe-eval': without this, zod probes `new Function` and the
// browser logs a CSP violation. Interpreted validation is fast enough for one message per frame.
z.config({ jitless: true });

const Id = z.string().min(1).max(256);
/**
 * Context and mention ids carry a document URI (`file:<uri>`), and labels and details a path.
 * A CJK character is 9 characters once percent-encoded and a Windows path may hold 32,767, so
 * this cap only rejects garbage: a view that drops a real path's chip drops the whole state.
 */
const MAX_PATH_TEXT = 300_000;
const RefId = z.string().min(1).max(MAX_PATH_TEXT);
const PathText = z.string().max(MAX_PATH_TEXT);
const Count = z.number().int().nonnegative();
/** Generous caps: they reject garbage, never a real answer or question. */
const MAX_TEXT = 8_000_000;
const Text = z.string().max(MAX_TEXT);

export const LocaleSchema = z.enum(['en', 'zh-cn']);
export type Locale = z.infer<typeof LocaleSchema>;

export const UsageSchema = z.object({
  promptTokens: Count,
  completionTokens: Count,
  totalTokens: Count,
  cachedTokens: Count.optional(),
  reasoningTokens: Count.optional(),
});
export type TurnUsage = z.infer<typeof UsageSchema>;

/** What the buttons under an error do; the webview owns their labels. */
export const ErrorActionSchema = z.enum([
  'setApiKey',
  'retry',
  'removeFlagged',
  'openSettings',
  'selectModel',
  'showLog',
]);
export type ErrorAction = z.infer<typeof ErrorActionSchema>;

export const TurnErrorSchema = z.object({
  /** one sentence, already localized by the host */
  message: z.string().min(1).max(2000),
  actions: z.array(ErrorActionSchema).max(6),
});
export type TurnError = z.infer<typeof TurnErrorSchema>;

export const ContextKindSchema = z.enum(['selection', 'file', 'editor']);
export type ContextKind = z.infer<typeof ContextKindSchema>;

/** A piece of editor context offered for (or attached to) a question. */
export const ContextChipSchema = z.object({
  id: RefId,
  kind: ContextKindSchema,
  /** short text on the chip, e.g. `main.ts:12-40` */
  label: PathText.min(1),
  /** tooltip, e.g. the workspace-relative path */
  detail: PathText.optional(),
  tokens: Count.optional(),
});
export type ContextChip = z.infer<typeof ContextChipSchema>;

/**
 * 'cancelled' means the user pressed Stop; 'length' means the answer hit the output limit
 * (the view then offers Continue); other values come from the provider.
 */
export const FinishReasonSchema = z.string().min(1).max(64);

export const TurnStatusSchema = z.enum(['streaming', 'done', 'stopped', 'error']);
export type TurnStatus = z.infer<typeof TurnStatusSchema>;

/**
 * pending: waiting for the user (an edit to review, a command to run); running; done; error (the
 * model got an error result); denied (the user declined, or Stop); interrupted (the window closed
 * while it waited or ran: it never finished).
 */
export const ToolCallStatusSchema = z.enum(['pending', 'running', 'done', 'error', 'denied', 'interrupted']);
export type ToolCallStatus = z.infer<typeof ToolCallStatusSchema>;

/**
 * What a turn's answer is made of, in the order it arrived. Streamed text and reasoning extend the
 * part of their kind in the current step (see protocol/parts.ts); a tool call closes the step, so a
 * multi-step answer reads as text, a tool call, then the next step's text.
 */
/**
 * What a tool call did, as facts the view words in the user's language ("Read src/app.ts, lines
 * 1–200", "Searched for `x`: 14 matches in 5 files", "Ran `npm test`: exit 1"). Paths are as the
 * model is told them: relative to the first workspace folder, absolute for the others.
 */
export const ToolFactsSchema = z.object({
  path: PathText.optional(),
  /** 1-based, inclusive: the lines read */
  startLine: Count.optional(),
  endLine: Count.optional(),
  totalLines: Count.optional(),
  /** list_directory: entries listed; glob: files found */
  entries: Count.optional(),
  /** grep_search */
  matches: Count.optional(),
  files: Count.optional(),
  /** edit / write_file: lines added and removed; created: a new file */
  added: Count.optional(),
  removed: Count.optional(),
  created: z.boolean().optional(),
  /** run_shell_command */
  command: z.string().max(100_000).optional(),
  directory: PathText.optional(),
  exitCode: z.number().int().nullable().optional(),
  timedOut: z.boolean().optional(),
  /** the result the model got was cut to fit */
  truncated: z.boolean().optional(),
  /** auto-approved by the user's own setting (qwen.agent.autoApproveEdits / autoApproveCommands) */
  autoApproved: z.boolean().optional(),
});
export type ToolFacts = z.infer<typeof ToolFactsSchema>;

export const ToolCallPartSchema = z.object({
  kind: z.literal('toolCall'),
  /** the id the model's request and the tool result carry (unique in the conversation) */
  id: Id,
  name: z.string().min(1).max(200),
  /** the arguments as the model wrote them (JSON text, possibly invalid) */
  args: Text,
  status: ToolCallStatusSchema,
  /** the result the model was sent */
  result: Text.optional(),
  facts: ToolFactsSchema.optional(),
  /** the model request that made the call: calls of one step go back in one assistant message */
  step: Count.optional(),
});

export const TurnPartSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: Text }),
  z.object({ kind: z.literal('reasoning'), text: Text }),
  ToolCallPartSchema,
]);
export type TurnPart = z.infer<typeof TurnPartSchema>;
export type TextPart = Extract<TurnPart, { kind: 'text' | 'reasoning' }>;
export type ToolCallPart = Extract<TurnPart, { kind: 'toolCall' }>;

export const ChatModeSchema = z.enum(['ask', 'agent']);
export type ChatMode = z.infer<typeof ChatModeSchema>;

/**
 * Why an agent task stopped before the model answered: the step limit, the same call three times
 * in a row, the cost limit, or a window reload. The view offers Continue for each.
 */
export const AgentStopSchema = z.enum(['maxSteps', 'loop', 'maxCost', 'interrupted']);
export type AgentStop = z.infer<typeof AgentStopSchema>;

export const TurnSchema = z.object({
  id: Id,
  /** an agent task (absent: an ordinary answer) */
  mode: ChatModeSchema.optional(),
  /** agent: model requests made so far */
  steps: Count.optional(),
  agentStop: AgentStopSchema.optional(),
  /** agent: older tool results shortened to fit the context window (the turn's note says so) */
  compacted: Count.optional(),
  question: Text,
  /** the context that was sent with the question, shown under it */
  context: z.array(ContextChipSchema).max(200).default([]),
  parts: z.array(TurnPartSchema).max(10_000).default([]),
  status: TurnStatusSchema,
  model: z.string().max(200).optional(),
  usage: UsageSchema.optional(),
  /** null: the price of this model is unknown */
  costUsd: z.number().nonnegative().nullable().optional(),
  finishReason: FinishReasonSchema.optional(),
  error: TurnErrorSchema.optional(),
  /** earlier turns left out of this request to fit the context window */
  trimmedTurns: Count.optional(),
  /** the answer (or reasoning) was longer than the chat keeps: this many characters of it are */
  truncatedAt: Count.optional(),
});
export type Turn = z.infer<typeof TurnSchema>;

export const ConversationSummarySchema = z.object({
  id: Id,
  title: z.string().max(500),
  /** epoch milliseconds */
  updatedAt: z.number().nonnegative(),
  turnCount: Count,
});
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>;

export const ModelInfoSchema = z.object({
  id: z.string().min(1).max(200),
  label: z.string().min(1).max(200),
  detail: z.string().max(500).optional(),
});
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

export const ThinkingSchema = z.object({
  /** none: the model cannot think; optional: the user may switch it; always: it always thinks */
  capability: z.enum(['none', 'optional', 'always']),
  enabled: z.boolean(),
  /** reasoning-token budget; null = the model's default */
  budget: z.number().int().positive().nullable(),
  maxBudget: z.number().int().positive().nullable(),
});
export type Thinking = z.infer<typeof ThinkingSchema>;

export const ViewStateSchema = z.object({
  conversationId: Id.nullable(),
  conversations: z.array(ConversationSummarySchema).max(10_000),
  turns: z.array(TurnSchema).max(10_000),
  models: z.array(ModelInfoSchema).max(1000),
  model: z.string().max(200),
  thinking: ThinkingSchema,
  context: z.array(ContextChipSchema).max(200),
  streaming: z.boolean(),
  /** no key is stored for the active provider: the empty view offers Set API Key */
  needsApiKey: z.boolean().default(false),
  /** the composer's Ask / Agent switch */
  mode: ChatModeSchema.default('ask'),
});
export type ViewState = z.infer<typeof ViewStateSchema>;

export const MentionCandidateSchema = z.object({
  id: RefId,
  kind: z.enum(['file', 'editor']),
  label: PathText.min(1),
  detail: PathText.optional(),
});
export type MentionCandidate = z.infer<typeof MentionCandidateSchema>;

/**
 * What the host may ask the user in the middle of a turn. One kind per question; the answer of
 * the same kind says what the user chose. (The agent's approvals are not questions: they are the
 * tool row's own state, `pending`, decided by `toolDecision`.)
 */
export const QuestionSchema = z.discriminatedUnion('kind', [
  /** the request is estimated above the user's threshold: send it anyway? */
  z.object({ kind: z.literal('largeContext'), tokens: Count, costUsd: z.number().nonnegative().nullable(), contextWindow: Count.optional() }),
]);
export type Question = z.infer<typeof QuestionSchema>;

export const AnswerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('largeContext'), send: z.boolean() }),
]);
export type Answer = z.infer<typeof AnswerSchema>;

// ---------------------------------------------------------------- host -> webview

export const HostToWebviewSchema = z.discriminatedUnion('type', [
  /** first message after `ready`, and again whenever the view must be rebuilt */
  z.object({ type: z.literal('init'), locale: LocaleSchema, state: ViewStateSchema }),
  /** the whole view state, e.g. after New Chat or opening a conversation */
  z.object({ type: z.literal('state'), state: ViewStateSchema }),
  z.object({ type: z.literal('conversations'), conversations: ViewStateSchema.shape.conversations }),
  z.object({ type: z.literal('models'), models: ViewStateSchema.shape.models, model: z.string().max(200) }),
  z.object({ type: z.literal('thinking'), thinking: ThinkingSchema }),
  z.object({ type: z.literal('context'), chips: ViewStateSchema.shape.context }),
  /**
   * A turn starts streaming. When a turn with this id exists (regenerate, edit and resend,
   * continue) it is replaced and every later turn is dropped; `turn.parts` are what the stream
   * continues from (none unless continuing).
   */
  z.object({ type: z.literal('turnStart'), turn: TurnSchema }),
  /** everything that arrived since the last delta: the host coalesces, about one per frame */
  z
    .object({ type: z.literal('delta'), turnId: Id, text: Text.optional(), reasoning: Text.optional() })
    .refine((m) => m.text !== undefined || m.reasoning !== undefined, 'a delta carries text or reasoning'),
  z.object({
    type: z.literal('turnEnd'),
    turnId: Id,
    finishReason: FinishReasonSchema,
    usage: UsageSchema.optional(),
    costUsd: z.number().nonnegative().nullable().optional(),
    /** the model that answered, when the turn started without one (a custom server's default) */
    model: z.string().max(200).optional(),
    /** agent: the requests the task made, and why a limit stopped it (the view offers Continue) */
    steps: Count.optional(),
    agentStop: AgentStopSchema.optional(),
  }),
  z.object({ type: z.literal('turnError'), turnId: Id, error: TurnErrorSchema }),
  z.object({ type: z.literal('historyTrimmed'), turnId: Id, droppedTurns: z.number().int().positive() }),
  /** an agent tool call appears or changes (matched by id within the turn; a new one closes the step) */
  z.object({ type: z.literal('toolCall'), turnId: Id, part: ToolCallPartSchema }),
  /** an agent task's running totals: all its steps so far */
  z.object({
    type: z.literal('agentProgress'),
    turnId: Id,
    steps: Count,
    usage: UsageSchema.optional(),
    costUsd: z.number().nonnegative().nullable().optional(),
    /** older tool results were shortened to keep the task inside the model's context window */
    compacted: Count.optional(),
  }),
  z.object({ type: z.literal('mode'), mode: ChatModeSchema }),
  /** a question for the user (answered by `answer` with the same requestId); the view asks it in place */
  z.object({ type: z.literal('ask'), requestId: Id, question: QuestionSchema }),
  z.object({ type: z.literal('mentionCandidates'), requestId: Id, items: z.array(MentionCandidateSchema).max(200) }),
  z.object({ type: z.literal('focusInput'), text: z.string().max(MAX_TEXT).optional() }),
  /** a short status line (e.g. "Copied"), also announced to screen readers */
  z.object({ type: z.literal('notice'), text: z.string().min(1).max(500), kind: z.enum(['info', 'warning']).default('info') }),
]);
export type HostToWebview = z.infer<typeof HostToWebviewSchema>;

// ---------------------------------------------------------------- webview -> host

export const CodeActionSchema = z.enum(['copy', 'insert', 'apply']);
export type CodeAction = z.infer<typeof CodeActionSchema>;

export const WebviewToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** a host message failed validation: the view asks for a fresh init rather than stay stale or empty */
  z.object({ type: z.literal('resync') }),
  z.object({ type: z.literal('send'), text: z.string().min(1).max(MAX_TEXT), contextIds: z.array(RefId).max(200) }),
  z.object({ type: z.literal('stop') }),
  z.object({ type: z.literal('newChat') }),
  z.object({ type: z.literal('openConversation'), id: Id }),
  z.object({ type: z.literal('deleteConversation'), id: Id }),
  z.object({ type: z.literal('regenerate'), turnId: Id }),
  z.object({ type: z.literal('editAndResend'), turnId: Id, text: z.string().min(1).max(MAX_TEXT) }),
  z.object({ type: z.literal('continue'), turnId: Id }),
  z.object({ type: z.literal('copyConversation') }),
  z.object({ type: z.literal('codeAction'), action: CodeActionSchema, code: z.string().max(MAX_TEXT), language: z.string().max(64) }),
  z.object({ type: z.literal('selectModel'), model: z.string().min(1).max(200) }),
  z.object({ type: z.literal('setThinking'), enabled: z.boolean(), budget: z.number().int().positive().nullable() }),
  z.object({ type: z.literal('removeContext'), id: RefId }),
  z.object({ type: z.literal('requestMentions'), requestId: Id, query: z.string().max(500) }),
  z.object({ type: z.literal('addMention'), id: RefId, kind: z.enum(['file', 'editor']) }),
  /** the empty view's link to the walkthrough (contributes.walkthroughs) */
  z.object({ type: z.literal('openWalkthrough') }),
  /** turnId is absent for actions offered outside a turn (the empty view's Set API Key) */
  z.object({ type: z.literal('errorAction'), action: ErrorActionSchema, turnId: Id.optional() }),
  z.object({ type: z.literal('answer'), requestId: Id, answer: AnswerSchema }),
  /** the composer's Ask / Agent switch */
  z.object({ type: z.literal('setMode'), mode: ChatModeSchema }),
  /** Run / Skip, Accept / Reject on an agent tool row that waits for the user */
  z.object({ type: z.literal('toolDecision'), turnId: Id, callId: Id, approve: z.boolean() }),
  /** Undo Agent Task from a finished task's turn */
  z.object({ type: z.literal('undoTask'), turnId: Id }),
  /** opens the file a tool row names (read, edited, listed) */
  z.object({ type: z.literal('openPath'), path: PathText.min(1) }),
  /** links in answers never navigate the webview; the host opens them (http, https, mailto only) */
  z.object({ type: z.literal('openLink'), href: z.string().max(8192).regex(/^(https?:\/\/|mailto:)/i) }),
  /** the webview's own problems (e.g. a dropped invalid message), for the host's log */
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string().max(4000) }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHostSchema>;

export type HostMessageType = HostToWebview['type'];
export type WebviewMessageType = WebviewToHost['type'];

export type Parsed<T> = { message: T; reason?: undefined } | { message: undefined; reason: string };

function parseWith<T>(schema: z.ZodType<T>, data: unknown): Parsed<T> {
  const result = schema.safeParse(data);
  if (result.success) return { message: result.data };
  const type = typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string'
    ? (data as { type: string }).type.slice(0, 64)
    : undefined;
  const issues = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  return { message: undefined, reason: `${type ? `'${type}' ` : ''}${issues}` };
}

/** Validates what the webview received. Never throws. */
export function parseHostMessage(data: unknown): Parsed<HostToWebview> {
  return parseWith(HostToWebviewSchema, data);
}

/** Validates what the host received from the webview. Never throws. */
export function parseWebviewMessage(data: unknown): Parsed<WebviewToHost> {
  return parseWith(WebviewToHostSchema, data);
}
