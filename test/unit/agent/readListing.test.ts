// list_directory's and glob's answers, and the refusal sentences the read tools give the model.
import * as assert from 'node:assert/strict';
import { formatGlob, formatListing, sortEntries } from '../../../src/agent/read/listing';
import { refusalForModel } from '../../../src/agent/read/refusal';

describe('agent/read/listing: what list_directory and glob return', () => {
  it('folders first with a trailing slash, then files, each by name regardless of case', () => {
    const sorted = sortEntries([
      { name: 'b.ts', isDir: false },
      { name: 'Zeta', isDir: true },
      { name: 'A.md', isDir: false },
      { name: 'alpha', isDir: true },
    ]);
    assert.equal(formatListing('src', sorted), 'Contents of src (4 entries; folders end with /):\nalpha/\nZeta/\nA.md\nb.ts');
  });

  it('an empty folder, the root, and a capped listing say so', () => {
    assert.equal(formatListing('empty', []), 'empty is empty.');
    assert.match(formatListing('.', [{ name: 'a', isDir: false }]), /^Contents of the first workspace folder \(\.\) \(1 entry;/);
    assert.match(formatListing('big', [{ name: 'a', isDir: false }], true), /\n\[Showing the first 1 entries; the folder has more\. Use glob/);
  });

  it('glob: every file when few, the first N with a note when many', () => {
    assert.equal(formatGlob('"*.ts"', ['a.ts', 'b.ts']), 'Found 2 files matching "*.ts":\na.ts\nb.ts');
    assert.equal(formatGlob('"*.x"', []), 'No files match "*.x".');
    const many = Array.from({ length: 12 }, (_, i) => `f${i}`);
    const out = formatGlob('"f*"', many, 10);
    assert.equal(out.split('\n').length, 12);
    assert.match(out, /^Found 12 files matching "f\*":\n\[Showing the first 10 of 12\./);
    assert.match(formatGlob('"f*"', many, 500, true), /^Found 12 or more files .*\n\[Showing the first 12\. /);
  });
});

describe('agent/read/refusal: why a file was not read, for the model', () => {
  it('names the path, where a link leads, and the reason', () => {
    assert.equal(refusalForModel({ reason: 'secret', shown: '.env' }, '.env'), '.env is a secret file (it matches the patterns never sent to Qwen), so it was not read.');
    assert.match(refusalForModel({ reason: 'secret', shown: 'n.txt', target: '/x/.env' }, 'docs/n.txt'), /^docs\/n\.txt leads to \/x\/\.env, which is a secret file/);
    assert.match(refusalForModel({ reason: 'outside', shown: 'l', target: '/etc/passwd' }, 'l'), /leads outside the workspace folders \(to \/etc\/passwd\)/);
    assert.match(refusalForModel({ reason: 'ignored', shown: 'dist' }, 'dist'), /ignored by \.gitignore/);
    assert.match(refusalForModel({ reason: 'binary', shown: 'a.png' }, 'a.png'), /binary/);
    assert.match(refusalForModel({ reason: 'too-large', shown: 'big', size: 3 * 1024 * 1024, limit: 1024 * 1024 }, 'big'), /too large to read \(3\.0 MB; the limit is 1\.0 MB\)/);
  });
});
