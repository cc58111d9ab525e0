// One agent tool call as a compact row: a status icon and a sentence in plain words, the error's
// first line when it failed, Run / Skip or Accept / Reject while it waits for the user, and its
// input and output on demand. Tool output is the model's and the workspace's, never ours: it is
// shown as text only.
import type { ToolCallPart, ToolCallStatus } from '../protocol/messages';
import { h, icon, iconButton, textButton } from './dom';
import { t, tNodes, type MessageKey } from './l10n';
import { commandFolder, FILE_TOOLS, firstLine, parseArgs, toolSentence } from './toolWords';

/** On Run / Skip / Accept / Reject: `approve` or `deny` (posted as `toolDecision`). */
export const TOOL_DECISION_ATTR = 'data-tool-decision';
/** On a row: the call's id. */
export const CALL_ID_ATTR = 'data-call-id';

const STATUS: Record<ToolCallStatus, { icon: string; label: MessageKey }> = {
  pending: { icon: 'clock', label: 'toolPending' },
  running: { icon: 'loading codicon-modifier-spin', label: 'toolRunning' },
  done: { icon: 'check', label: 'toolDone' },
  error: { icon: 'error', label: 'toolError' },
  denied: { icon: 'circle-slash', label: 'toolDenied' },
  interrupted: { icon: 'debug-disconnect', label: 'toolInterrupted' },
};

export interface ToolRowOptions {
  /** the details were open in the row this one replaces */
  expanded?: boolean;
  /** the user already chose: the buttons stay disabled until the host moves the call on */
  decided?: boolean;
}

let rowCount = 0;

export function toolCallRow(p: ToolCallPart, opts: ToolRowOptions = {}): HTMLElement {
  const args = parseArgs(p.args);
  const status = STATUS[p.status];
  const detailsId = `tool-details-${++rowCount}`;
  const toggle = iconButton('chevron-right', t('showDetails'), { class: 'icon-button tool-toggle', 'aria-expanded': 'false', 'aria-controls': detailsId });
  const details = h('div', { class: 'tool-details', id: detailsId, hidden: true },
    h('div', { class: 'tool-details-label' }, args.valid ? t('toolInput') : t('toolInputInvalid')),
    h('pre', { class: 'tool-pre tool-input' }, args.display),
    p.result !== undefined ? h('div', { class: 'tool-details-label' }, t('toolOutput')) : null,
    p.result !== undefined ? h('pre', { class: 'tool-pre tool-output' }, p.result) : null);
  const setExpanded = (open: boolean) => {
    details.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    const label = open ? t('hideDetails') : t('showDetails');
    toggle.setAttribute('aria-label', label);
    toggle.title = label;
  };
  toggle.addEventListener('click', () => setExpanded(details.hidden));

  const badges: HTMLElement[] = [];
  if (p.facts?.autoApproved) badges.push(h('span', { class: 'tool-badge' }, t('toolAutoApproved')));
  if (p.facts?.truncated) badges.push(h('span', { class: 'tool-badge', title: t('toolTruncatedTitle') }, t('toolTruncated')));
  const error = p.status === 'error' ? firstLine(p.result) : undefined;

  const head = h('div', { class: 'tool-head' },
    h('span', { class: 'tool-icon', title: t(status.label) }, icon(status.icon)),
    h('span', { class: 'tool-summary' }, ...toolSentence(p, args)),
    h('span', { class: 'sr-only tool-status' }, t(status.label)),
    ...badges,
    toggle);
  // A click on the row's text opens it too; links and buttons in it keep their own meaning.
  head.addEventListener('click', (e) => {
    if (!(e.target as Element).closest('button')) setExpanded(details.hidden);
  });
  const row = h('div', { class: 'tool-call', 'data-status': p.status, 'data-tool': p.name, [CALL_ID_ATTR]: p.id },
    head,
    error ? h('div', { class: 'tool-error' }, error) : null,
    p.status === 'pending' ? approval(p, args.object, opts.decided === true) : null,
    details);
  if (opts.expanded) setExpanded(true);
  return row;
}

/** Whether the row's details are open (kept when the host updates the row). */
export function isExpanded(row: Element): boolean {
  return row.querySelector('.tool-toggle')?.getAttribute('aria-expanded') === 'true';
}

function approval(p: ToolCallPart, args: Record<string, unknown> | undefined, decided: boolean): HTMLElement | null {
  const button = (iconName: string, label: MessageKey, decision: 'approve' | 'deny', primary: boolean) =>
    textButton(iconName, t(label), { class: `text-button ${primary ? 'primary' : 'secondary'}`, [TOOL_DECISION_ATTR]: decision, disabled: decided });
  if (p.name === 'run_shell_command') {
    const command = p.facts?.command ?? stringArg(args, 'command') ?? '';
    const directory = commandFolder(p.facts?.directory ?? stringArg(args, 'directory'));
    const description = stringArg(args, 'description');
    return h('div', { class: 'tool-approval', role: 'group', 'aria-label': t('approveCommandLabel') },
      description ? h('div', { class: 'tool-description' }, description) : null,
      h('pre', { class: 'tool-command' }, command),
      h('div', { class: 'tool-folder' }, ...tNodes('commandFolder', directory ? h('code', {}, directory) : t('commandFolderDefault'))),
      h('div', { class: 'tool-hint' }, icon('info'), h('span', {}, t('commandUndoHint'))),
      h('div', { class: 'button-row' }, button('play', 'toolRunButton', 'approve', true), button('circle-slash', 'toolSkipButton', 'deny', false)));
  }
  if (FILE_TOOLS.includes(p.name)) {
    return h('div', { class: 'tool-approval', role: 'group', 'aria-label': t('approveEditLabel') },
      h('div', { class: 'tool-hint' }, icon('diff'), h('span', {}, t('editDiffHint'))),
      h('div', { class: 'button-row' }, button('check', 'toolAcceptButton', 'approve', true), button('close', 'toolRejectButton', 'deny', false)));
  }
  return null;
}

function stringArg(args: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = args?.[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The task changed a file: some edit or new file was made. */
export function changedFiles(parts: readonly { kind: string; name?: string; status?: string }[]): boolean {
  return parts.some((p) => p.kind === 'toolCall' && FILE_TOOLS.includes(p.name ?? '') && p.status === 'done');
}
