// Every sentence the client shows a user, in one place; messages.zh-cn.ts has the same ones in
// Simplified Chinese. Each is one English sentence that says what happened and what to do; none contains the key
// (server text passes through cleanServerText first).
import { arrivedSoFar, sizeInBytes, type ErrorFacts, type QwenAction } from './errorFacts';
import { describeErrorZhCn } from './messages.zh-cn';

/** The languages the sentences come in (VS Code's display language, lower case). */
export type MessageLocale = 'en' | 'zh-cn';

/** Who answered: the preset's name, or the server's address when qwen.baseUrl points elsewhere. */
function where(e: ErrorFacts): string {
  return e.providerLabel || at(e);
}

function at(e: ErrorFacts): string {
  return e.host ? `the server at ${e.host}` : 'the server';
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function quoted(text: string | undefined): string {
  if (!text) return '';
  return ` ("${text.replace(/[.\s]+$/, '')}")`;
}

function seconds(ms: number | undefined): string {
  if (!ms) return 'the allowed time';
  const s = Math.round(ms / 100) / 10;
  return `${s} second${s === 1 ? '' : 's'}`;
}

function sizeText(chars: number | undefined): string {
  return chars ? sizeInBytes(chars) : 'the size limit';
}

function kept(e: ErrorFacts): string {
  return arrivedSoFar(e) ? '; what arrived so far is kept' : '';
}

function networkSentence(e: ErrorFacts): string {
  const host = e.host ?? 'the server';
  const server = at(e);
  const via = e.proxy ? ` through the proxy ${e.proxy}` : '';
  switch (e.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return `Could not find ${host}${via}: check your internet connection, DNS or proxy settings.`;
    case 'ECONNREFUSED':
      return e.proxy
        ? `The proxy ${e.proxy} refused the connection: check the proxy settings.`
        : `${cap(server)} refused the connection: check the address and that the server is running.`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `The connection to ${host} was reset${via} before an answer arrived${kept(e)}; try again.`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return `${cap(server)} cannot be reached from this network${via}: check your connection.`;
    case 'ETIMEDOUT':
      return `Connecting to ${host}${via} timed out: check your connection or proxy.`;
    default:
      if (e.code && /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL_|HOSTNAME_MISMATCH|EPROTO)/.test(e.code)) {
        return `The secure connection to ${host} failed (${e.code}): a proxy or firewall may be intercepting HTTPS, so check the proxy and certificate settings.`;
      }
      return `The network request to ${host} failed${e.code ? ` (${e.code})` : ''}${via}${kept(e)}; check your connection and try again.`;
  }
}

/** The one sentence for an error, in English unless another locale is asked for. */
/**
 * What the user reads for a client error in the host's display language: the client's one
 * sentence. The error's own `message` stays English (logs, bug reports); only zh-cn has a second set.
 */
export function errorText(e: ErrorFacts & { message?: string }, displayLanguage: string): string {
  return displayLanguage.toLowerCase() === 'zh-cn' ? describeError(e, 'zh-cn') : e.message || describeError(e);
}

export function describeError(e: ErrorFacts, locale: MessageLocale = 'en'): string {
  if (locale === 'zh-cn') return describeErrorZhCn(e);
  switch (e.kind) {
    case 'missing-key':
      return `No API key is set for ${where(e)}: set one with "Qwen: Set API Key" (nothing was sent).`;
    case 'auth':
      return e.provider?.startsWith('dashscope-')
        ? `${cap(where(e))} rejected the API key: set a valid key, or choose the region the key was created in (keys only work in their own region).`
        : `${cap(where(e))} rejected the API key: set a valid key with "Qwen: Set API Key".`;
    case 'billing':
      return `${cap(where(e))} refused the request because the account has an unpaid balance or no credits left: check your billing there.`;
    case 'quota':
      return `The quota for ${e.model ? `"${e.model}"` : 'this model'} at ${where(e)} is used up for now: wait a little or check your plan.`;
    case 'rate-limit':
      return `${cap(where(e))} is limiting how often requests can be sent: wait a moment and try again.`;
    case 'content-filter':
      if (e.filtered === 'output') return `${cap(where(e))}'s content filter stopped the answer${kept(e)}; rephrase the request and try again.`;
      return `${cap(where(e))}'s content filter flagged the conversation: remove the flagged message, or every later request will be refused too.`;
    case 'bad-parameter':
      return `${cap(where(e))} rejected a request parameter${quoted(e.serverMessage)}: check the model and settings.`;
    case 'context-length':
      return `The conversation is too long for ${e.model ? `"${e.model}"` : 'this model'}${quoted(e.serverMessage)}: shorten the history or start a new chat.`;
    case 'model-not-found':
      return `${cap(where(e))} does not offer the model "${e.model ?? ''}": select another model.`;
    case 'access-denied':
      return `${cap(where(e))} denied access${e.model ? ` to "${e.model}"` : ''} with this API key${quoted(e.serverMessage)}: check the key's permissions.`;
    case 'endpoint-not-found':
      return `${cap(at(e))} has no OpenAI-compatible chat endpoint at this address: check the base URL (it usually ends in /v1).`;
    case 'server':
      return `${cap(where(e))} had a server error${e.status ? ` (HTTP ${e.status})` : ''}${kept(e)}; try again in a moment.`;
    case 'network':
      return networkSentence(e);
    case 'timeout':
      if (e.timeoutPhase === 'no-event') return `${cap(at(e))} sent nothing but keep-alive messages for ${seconds(e.timeoutMs)}${kept(e)}; try again or raise the idle timeout.`;
      return e.timeoutPhase === 'idle'
        ? `The answer stopped arriving for ${seconds(e.timeoutMs)}${kept(e)}; try again or raise the idle timeout.`
        : `${cap(at(e))} did not answer within ${seconds(e.timeoutMs)}: try again or raise the first-byte timeout.`;
    case 'proxy':
      if (e.code === 'proxy-authentication-required') return `The proxy requires authentication: check the proxy address and credentials in your settings.`;
      if (e.code === 'html-response') return `A web page${e.status ? ` (HTTP ${e.status})` : ''} came back instead of an API answer, probably from a proxy, firewall or login portal: check the proxy and base URL settings.`;
      return `The proxy${e.proxy ? ` ${e.proxy}` : ''} could not open a connection to ${at(e)}: check the proxy settings.`;
    case 'stream-error':
      return `${cap(where(e))} reported an error in the middle of the answer${quoted(e.serverMessage)}${kept(e)}.`;
    case 'dropped':
      return `The connection closed before the answer was complete${kept(e)}; ask to continue or try again.`;
    case 'aborted':
      return `The request was stopped${kept(e)}.`;
    case 'invalid-response':
      return `${cap(where(e))} sent something that is not a valid chat answer${kept(e)}: check the base URL and model.`;
    case 'too-large':
      return e.code === 'line'
        ? `${cap(where(e))} sent a stream line longer than ${sizeText(e.sizeLimit)} without ending it, so reading stopped${kept(e)}.`
        : `The answer from ${where(e)} grew past ${sizeText(e.sizeLimit)}, the most Qwen Coder keeps, so reading stopped${kept(e)}.`;
    case 'config':
      if (e.code === 'base-url-credentials') return `The address in qwen.baseUrl contains a user name or password, which is never sent: remove it, and store your key with "Qwen: Set API Key", which keeps it in VS Code's secret storage (nothing was sent).`;
      return `The connection settings are incomplete${quoted(e.serverMessage)}: check qwen.provider and qwen.baseUrl.`;
  }
}

/** Details that go inside the `config` and `bad-parameter` sentences (and BaseUrlError). */
export const DETAILS = {
  customNeedsBaseUrl: 'A custom provider needs qwen.baseUrl.',
  baseUrlInvalid: 'qwen.baseUrl is not a valid URL.',
  baseUrlScheme: 'qwen.baseUrl must start with https:// or http://.',
  baseUrlCredentials: 'qwen.baseUrl must not contain a user name or password.',
  noModel: 'no model is set and the server lists none',
  toolsNeedNonStream: 'tools need a non-streaming call, which this model does not allow',
};

/** Button labels for the actions, for glue that has no wording of its own. */
export const ACTION_LABELS: Record<QwenAction, string> = {
  setApiKey: 'Set API Key',
  checkRegion: 'Choose Region',
  checkProxy: 'Check Proxy Settings',
  shortenHistory: 'Start New Chat',
  removeFlaggedMessage: 'Remove Flagged Message',
  retry: 'Retry',
  openSettings: 'Open Settings',
  selectModel: 'Select Model',
  continue: 'Continue',
};
