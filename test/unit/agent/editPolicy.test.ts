import * as assert from 'node:assert/strict';
import { alwaysAsk } from '../../../src/agent/editPolicy';

describe('agent/editPolicy: edits that always wait for the user', () => {
  it('files under .git/ and .vscode/, at any depth and in any case', () => {
    for (const p of ['.git/hooks/pre-commit', '.vscode/tasks.json', 'sub/.vscode/settings.json', '.GIT/config', 'a\\.vscode\\launch.json']) assert.equal(alwaysAsk(p), true, p);
  });
  it('not ordinary files, nor files merely named like them', () => {
    for (const p of ['src/app.ts', '.gitignore', '.vscode-test.mjs', 'docs/.git', 'README.md']) assert.equal(alwaysAsk(p), false, p);
  });
});
