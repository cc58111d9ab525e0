// The webview's side of the channel to the extension host.
import type { WebviewToHost } from '../protocol/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): unknown;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** Saved by VS Code across the view being hidden and shown. */
export interface PersistedState {
  draft?: string;
}

export interface Host {
  post(message: WebviewToHost): void;
  load(): PersistedState;
  save(state: PersistedState): void;
}

export function connectHost(): Host {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    load: () => {
      const s = api.getState();
      return typeof s === 'object' && s !== null ? (s as PersistedState) : {};
    },
    save: (state) => api.setState(state),
  };
}
