// Why a read tool did not read a file, in one plain sentence for the model (not the user, so
// English and not localised: the model reads English best, and the user sees the tool row).
import type { Refusal } from '../../policy/sendPolicy';

/** `shown` is the path as the tool's results name it. */
export function refusalForModel(r: Refusal, shown: string): string {
  switch (r.reason) {
    case 'secret':
      return r.target
        ? `${shown} leads to ${r.target}, which is a secret file (it matches the patterns never sent to Qwen), so it was not read.`
        : `${shown} is a secret file (it matches the patterns never sent to Qwen), so it was not read.`;
    case 'outside':
      return r.target
        ? `${shown} leads outside the workspace folders (to ${r.target}), so it was not read; only files inside them can be used.`
        : `${shown} is outside the workspace folders, so it was not read; only files inside them can be used.`;
    case 'ignored':
      return `${shown} is ignored by .gitignore, so it was not read (the agent's tools leave ignored files out).`;
    case 'binary':
      return `${shown} looks like a binary file, so it was not read.`;
    case 'too-large': {
      const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
      return `${shown} is too large to read (${mb(r.size ?? 0)} MB; the limit is ${mb(r.limit ?? 0)} MB), so it was not read.`;
    }
  }
}
