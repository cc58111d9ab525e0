// One mapping from a client error's actions to what the user is offered (chat turn and editor notification).
import * as assert from 'node:assert/strict';
import { QwenError } from '../../../src/qwen';
import { errorActions } from '../../../src/qwen/errorActions';

describe('error actions', () => {
  it('maps each action once, the main one first; region and proxy are settings', () => {
    assert.deepEqual(errorActions(new QwenError({ kind: 'auth', actions: ['setApiKey', 'checkRegion'] })), ['setApiKey', 'openSettings']);
    assert.deepEqual(errorActions(new QwenError({ kind: 'network', actions: ['checkProxy', 'checkRegion', 'retry'] })), ['openSettings', 'retry']);
    assert.deepEqual(errorActions(new QwenError({ kind: 'content-filter', actions: ['removeFlaggedMessage'] })), ['removeFlagged']);
    assert.deepEqual(errorActions(new QwenError({ kind: 'model-not-found', actions: ['selectModel'] })), ['selectModel']);
  });

  it('offers Retry last for a retryable error that has no Retry yet, and nothing for actions without a button', () => {
    assert.deepEqual(errorActions(new QwenError({ kind: 'server', retryable: true, actions: ['openSettings'] })), ['openSettings', 'retry']);
    assert.deepEqual(errorActions(new QwenError({ kind: 'server', retryable: true, actions: ['retry'] })), ['retry']);
    assert.deepEqual(errorActions(new QwenError({ kind: 'context-length', actions: ['shortenHistory', 'continue'] })), []);
  });
});
