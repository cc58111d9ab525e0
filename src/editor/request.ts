// One model request of an editor action: progress while it streams (cancellable), tracked so
// `Qwen: Stop Generating` stops it, and errors shown as a notification with their buttons.
import * as vscode from 'vscode';
import { Commands } from '../constants';
import { errorText } from '../qwen/messages';
import { isQwenError } from '../qwen';
import { errorActions } from '../qwen/errorActions';
import type { ChatMessage } from '../qwen/types';
import { isUnavailable, type Services } from '../services';

export type RequestOutcome =
  | { ok: true; text: string; finishReason?: string }
  /** stopped by the user (Stop Generating, the progress's Cancel, Reject): `text` is what arrived */
  | { ok: false; reason: 'stopped'; text: string }
  /** no client (the user was told) or the request failed (the user was told, with buttons) */
  | { ok: false; reason: 'unavailable' | 'error'; text: string };

export interface RequestOptions {
  /** the progress notification's title */
  title: string;
  /** for the status bar's "Streaming: …" */
  label: string;
  messages: ChatMessage[];
  /** answer text as it arrives */
  onText?: (chunk: string) => void;
  /** aborting it stops the request (the session's own cancel) */
  signal?: AbortSignal;
  /** run again after an error, from the notification's Retry button */
  retry?: () => unknown;
}

export async function runRequest(services: Services, o: RequestOptions): Promise<RequestOutcome> {
  const access = await services.client({ interactive: true });
  if (isUnavailable(access)) return { ok: false, reason: 'unavailable', text: '' };
  const tracked = services.streams.begin(o.label, o.signal);
  const parts: string[] = [];
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: o.title, cancellable: true },
    async (progress, token) => {
      const sub = token.onCancellationRequested(() => tracked.controller.abort());
      let lines = 0;
      let shown = 0;
      try {
        const result = await access.client.streamChat(
          { model: access.model, messages: o.messages },
          {
            signal: tracked.controller.signal,
            onEvent: (e) => {
              if (e.type !== 'text') return;
              parts.push(e.text);
              for (let i = e.text.indexOf('\n'); i >= 0; i = e.text.indexOf('\n', i + 1)) lines++;
              if (lines - shown >= 5) {
                shown = lines;
                progress.report({ message: vscode.l10n.t('{0} lines', lines) });
              }
              o.onText?.(e.text);
            },
          },
        );
        return { ok: true, text: result.text, finishReason: result.finishReason };
      } catch (e) {
        const text = parts.join('');
        if (tracked.controller.signal.aborted || (isQwenError(e) && e.kind === 'aborted')) return { ok: false, reason: 'stopped', text };
        services.log.error(`${o.label} failed: ${isQwenError(e) ? `${e.kind} ${e.message}` : String(e)}`);
        showRequestError(services, e, o.retry);
        return { ok: false, reason: 'error', text };
      } finally {
        sub.dispose();
        services.streams.end(tracked);
      }
    },
  );
}

/** An editor command's error is a notification with the error's own buttons (Set API Key, Retry, Open Settings); a chat turn's stays in the turn. */
export function showRequestError(services: Services, e: unknown, retry?: () => unknown): void {
  const buttons: Array<{ label: string; run: () => unknown }> = [];
  const add = (label: string, run: () => unknown) => buttons.push({ label, run });
  let message: string;
  if (isQwenError(e)) {
    message = errorText(e, vscode.env.language);
    for (const a of errorActions(e)) {
      if (a === 'setApiKey') add(vscode.l10n.t('Set API Key'), () => vscode.commands.executeCommand(Commands.setApiKey));
      else if (a === 'retry' && retry) add(vscode.l10n.t('Retry'), retry);
      else if (a === 'openSettings') add(vscode.l10n.t('Open Settings'), () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:qwen-coder.qwen-coder'));
      else if (a === 'selectModel') add(vscode.l10n.t('Select Model'), () => vscode.commands.executeCommand(Commands.selectModel));
      // removeFlagged: an editor command keeps no conversation to remove the message from
    }
  } else {
    message = vscode.l10n.t('Something went wrong: {0}', services.log.scrub(String((e as Error)?.message ?? e)));
    if (retry) add(vscode.l10n.t('Retry'), retry);
  }
  void vscode.window.showErrorMessage(message, ...buttons.map((b) => b.label)).then((choice) => buttons.find((b) => b.label === choice)?.run());
}
