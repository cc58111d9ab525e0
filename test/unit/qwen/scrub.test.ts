// The one scrubber: everything that reaches a log, an error sentence or the chat view passes
// through it, so a key, a bearer token or a URL's password never shows.
import * as assert from 'node:assert/strict';
import { cleanServerText } from '../../../src/qwen/errors';
import { scrub } from '../../../src/qwen/scrub';
import { KEY } from './helpers';

describe('server text shown in errors', () => {
  it('is scrubbed of bearer tokens, key-like strings, URL credentials and the key', () => {
    const text = `upstream said: Authorization: Bearer abc.def-ghi for https://bob:s3cret@gw.example/v1 with sk-abcdefghijklmnop and ${KEY}`;
    const clean = cleanServerText(text, [KEY])!;
    for (const secret of ['abc.def-ghi', 's3cret', 'bob:', 'sk-abcdefghijklmnop', KEY]) assert.ok(!clean.includes(secret), `${secret} in ${clean}`);
    assert.match(clean, /https:\/\/\*\*\*@gw\.example\/v1/);
  });
});

describe('scrub', () => {
  it('masks a known secret, Authorization headers, sk- keys and URL user-info', () => {
    assert.equal(scrub('key abcdef123 here', ['abcdef123']), 'key *** here');
    assert.equal(scrub('Authorization: Bearer tok.en-123'), 'Authorization: Bearer ***');
    assert.equal(scrub('{"authorization":"Bearer tok"}'), '{"authorization":"Bearer ***"}');
    assert.equal(scrub('use sk-0123456789abcdef now'), 'use sk-*** now');
    assert.equal(scrub('GET https://user:pass@host:8443/v1/models'), 'GET https://***@host:8443/v1/models');
    assert.equal(scrub('http://p@ss:w@rd@host/v1'), 'http://***@host/v1', 'up to the last @ before the path');
    assert.equal(scrub('mail me at a@b.example, see https://host/v1@x'), 'mail me at a@b.example, see https://host/v1@x', 'an @ outside user-info stays');
  });

  it('leaves what says no key is sent, and is idempotent', () => {
    assert.equal(scrub('POST http://127.0.0.1/v1 (Authorization: none)'), 'POST http://127.0.0.1/v1 (Authorization: none)');
    const once = scrub('Authorization: Bearer abcdefgh https://u:p@h/ sk-abcdefghij');
    assert.equal(scrub(once), once);
  });

  it('ignores secrets too short to be keys', () => {
    assert.equal(scrub('a short word', ['short']), 'a short word');
  });
});
