// What the user can do about a failed request, from the error's own actions: one mapping for the
// chat turn's buttons and an editor command's notification buttons. No vscode: each side labels
// and runs the actions itself.
import type { QwenAction, QwenError } from './errors';

/** An action the user is offered. The chat's protocol names the same actions (ErrorAction). */
export type UserAction = 'setApiKey' | 'retry' | 'removeFlagged' | 'openSettings' | 'selectModel';

const USER_ACTION: Partial<Record<QwenAction, UserAction>> = {
  setApiKey: 'setApiKey',
  retry: 'retry',
  removeFlaggedMessage: 'removeFlagged',
  openSettings: 'openSettings',
  // region and proxy are both settings
  checkRegion: 'openSettings',
  checkProxy: 'openSettings',
  selectModel: 'selectModel',
};

/**
 * The user's actions for an error, the main one first, each once; Retry last when the error is
 * worth retrying and no action already offers it. Actions with no button (shorten the history,
 * continue) are left out.
 */
export function errorActions(e: Pick<QwenError, 'action' | 'actions' | 'retryable'>): UserAction[] {
  const out: UserAction[] = [];
  for (const a of [e.action, ...(e.actions ?? [])]) {
    const user = a ? USER_ACTION[a] : undefined;
    if (user && !out.includes(user)) out.push(user);
  }
  if (e.retryable && !out.includes('retry')) out.push('retry');
  return out;
}
