import * as assert from 'node:assert/strict';
import { DEFAULT_EXCLUDE_PATTERNS, isExcludedPath } from '../../../src/prompts/exclude';

describe('prompts/exclude: files never sent', () => {
  const excluded = [
    '.env',
    '.env.local',
    'app/.env.production',
    'C:\\proj\\.env',
    'certs/server.pem',
    'keys/tls.KEY',
    '/home/me/.ssh/id_rsa',
    '/home/me/.ssh/id_rsa.pub',
    'id_ed25519',
    'store/cert.p12',
    'store/cert.pfx',
    'secrets',
    'config/secrets/db.json',
    'config/secrets.yaml',
    '/home/me/.aws/credentials',
    './.npmrc',
    '.git/config',
    'vendor/lib/.git/config',
    'gcp/credentials.json',
    '/home/me/.kube/config',
    '.pgpass',
    '.yarnrc.yml',
    'infra/prod.tfvars',
    'infra/terraform.tfstate',
  ];
  const allowed = ['src/env.ts', 'src/environment.ts', 'docs/keys.md', 'src/keyboard.ts', 'secretsauce.ts', 'src/my-secrets-helper.ts', 'pem.ts', 'aws/credentials.ts', '.gitconfig.md', 'src/git/config.ts', 'kube/config.yaml'];

  for (const p of excluded) it(`excludes ${p}`, () => assert.equal(isExcludedPath(p, DEFAULT_EXCLUDE_PATTERNS), true));
  for (const p of allowed) it(`allows ${p}`, () => assert.equal(isExcludedPath(p, DEFAULT_EXCLUDE_PATTERNS), false));

  it('supports **, ?, [..], {a,b}, anchored and folder patterns', () => {
    assert.equal(isExcludedPath('a/b/private/c/d.txt', ['**/private/**']), true);
    assert.equal(isExcludedPath('a/b/c.txt', ['**/private/**']), false);
    assert.equal(isExcludedPath('data/dump1.sql', ['dump?.sql']), true);
    assert.equal(isExcludedPath('data/dump12.sql', ['dump?.sql']), false);
    assert.equal(isExcludedPath('x/file.b', ['file.[ab]']), true);
    assert.equal(isExcludedPath('x/file.c', ['file.[!ab]']), true);
    assert.equal(isExcludedPath('x/file.a', ['file.[!ab]']), false);
    assert.equal(isExcludedPath('conf/prod.yml', ['*.{yml,yaml}']), true);
    assert.equal(isExcludedPath('vendor/lib.js', ['/vendor']), true);
    assert.equal(isExcludedPath('src/vendor/lib.js', ['/vendor']), false);
    assert.equal(isExcludedPath('src/vendor/lib.js', ['vendor/']), true);
    assert.equal(isExcludedPath('deploy/prod/keys.txt', ['deploy/prod']), true);
  });

  it('no patterns, nothing excluded; comments and blanks ignored', () => {
    assert.equal(isExcludedPath('.env', []), false);
    assert.equal(isExcludedPath('.env', ['# .env', '  ']), false);
  });
});
