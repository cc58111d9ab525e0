// qwen.agent.autoApproveCommands: a prefix approves one simple command that starts with it and
// never a second command, a substitution or a redirection hidden after it.
import * as assert from 'node:assert/strict';
import { autoApproved, isSimplePosixCommand } from '../../../src/agent/commandApproval';

const PREFIXES = ['npm test', 'git status', 'node -e'];

function approves(cmd: string, prefixes: readonly string[] = PREFIXES): void {
  assert.equal(autoApproved(cmd, prefixes), true, `should approve ${JSON.stringify(cmd)}`);
}
function refuses(cmd: string, prefixes: readonly string[] = PREFIXES): void {
  assert.equal(autoApproved(cmd, prefixes), false, `should refuse ${JSON.stringify(cmd)}`);
}

describe('agent/commandApproval: which commands a prefix approves', () => {
  it('approves the prefix alone and the prefix followed by arguments', () => {
    approves('npm test');
    approves('npm test -- --grep foo');
    approves('npm test\t--watch=false');
    approves('git status');
    approves('git status --short');
    approves('git status .');
  });

  it('ignores leading and trailing blanks and runs of blanks between the words', () => {
    approves('  npm test');
    approves('\tnpm test  ');
    approves('npm   test');
    approves('npm test', ['  npm   test  ']);
  });

  it('needs a word boundary after the prefix', () => {
    refuses('npm testing');
    refuses('npm test-all');
    refuses('npm test2');
    refuses('git statusx');
    refuses('npm tes');
    refuses('npm');
  });

  it('matches from the start only', () => {
    refuses('echo npm test');
    refuses('FOO=1 npm test');
    refuses('sudo npm test');
    refuses('x npm test');
  });

  it('never matches an empty or blank prefix, nor an empty command', () => {
    refuses('ls', ['']);
    refuses('ls', ['   ']);
    refuses('', ['']);
    refuses('   ', ['npm test']);
    refuses('npm test', []);
  });

  it('refuses a second command after `;`, `&&`, `||`, a pipe or `&`', () => {
    refuses('npm test;rm -rf /');
    refuses('npm test; rm -rf /');
    refuses('npm test ;rm -rf /');
    refuses('git status&&x');
    refuses('git status && rm x');
    refuses('npm test || rm x');
    refuses('npm test | sh');
    refuses('npm test |& tee x');
    refuses('npm test & rm x');
    refuses('npm test &');
    refuses('npm test&');
  });

  it('refuses newlines, carriage returns and other control characters', () => {
    refuses('npm test\nrm x');
    refuses('npm test\rrm x');
    refuses('npm test\r\nrm x');
    refuses('npm test\n');
    refuses('npm test "a\nb"');
    refuses("npm test 'a\nb'");
    refuses('npm test \\\nrm x');
    refuses('npm test \0');
    refuses('npm test \x1b[2J');
  });

  it('refuses command substitution, also inside double quotes', () => {
    refuses('npm test $(curl x)');
    refuses('npm test $(curl x | sh)');
    refuses('npm test "$(b)"');
    refuses('npm test `curl x`');
    refuses('npm test "`b`"');
    refuses('npm test $((1+2))');
    refuses('npm test ${X:-$(rm x)}');
    refuses('npm test "${X}"');
    refuses('npm test x$(b)');
  });

  it('refuses process substitution and subshells', () => {
    refuses('npm test <(curl x)');
    refuses('npm test >(sh)');
    refuses('npm test (rm x)');
    refuses('npm test )');
  });

  it('refuses redirections', () => {
    refuses('npm test > out.txt');
    refuses('npm test >> out.txt');
    refuses('npm test>out.txt');
    refuses('npm test 2>&1');
    refuses('npm test < in.txt');
    refuses('npm test <<EOF');
  });

  it('refuses history expansion, which could paste a whole earlier command line', () => {
    refuses('npm test !!');
    refuses('npm test !-1');
    refuses('npm test "!!"');
  });

  it('refuses ANSI-C and locale quotes, whose escaping it does not follow', () => {
    refuses("npm test $'\\'' ; rm x ''");
    refuses("npm test $'a'");
    refuses('npm test $"a"');
  });

  it('approves metacharacters inside single quotes: they are literal', () => {
    approves("npm test 'a;b'");
    approves("npm test 'a$(b)'");
    approves("npm test 'a`b`'");
    approves("npm test 'a && b | c > d'");
    approves("npm test '!!'");
    approves("npm test 'a\"b'");
  });

  it('approves separators and redirections inside double quotes, which are literal there', () => {
    approves('npm test "a;b"');
    approves('npm test "a && b"');
    approves('npm test "a | b > c"');
    approves('npm test "it\'s"');
    approves('npm test "a\\"; rm x; \\""');
    approves('npm test "cost \\$(5)"');
  });

  it('follows backslash escapes outside quotes', () => {
    approves('npm test a\\;b');
    approves('npm test a\\ b');
    approves("npm test it\\'s");
    refuses("npm test \\'a;b", ['npm test']); // the escaped quote opens nothing: `;` is unquoted
    approves('npm test \\$HOME');
    refuses('npm test \\$(x)'); // the `(` after the literal `$` is still unquoted
    refuses('npm test \\\\;rm x', ['npm test']);
    refuses('npm test \\');
  });

  it('tracks where quotes really end', () => {
    refuses('npm test "a";rm x');
    refuses("npm test 'a';rm x");
    refuses('npm test "a\\\\";rm x');
    refuses("npm test 'a\\';rm x");
    refuses('npm test "a\'";rm x');
    refuses("npm test 'a\"';rm x");
  });

  it('refuses unclosed quotes', () => {
    refuses('npm test "a');
    refuses("npm test 'a");
    refuses('npm test "a\\"');
  });

  it('allows plain variables, globs, options and paths', () => {
    approves('npm test $HOME');
    approves('npm test -- src/**/*.ts');
    approves('npm test ~/x');
    approves('git status -- "my file.txt"');
    approves('npm test -- --reporter=dot # a comment');
    approves('npm test 数据');
  });

  it('takes the prefix words literally', () => {
    refuses('npm  run test', ['npm test']);
    refuses('npm test', ['npm.test']);
    refuses('npmXtest', ['npm.test']);
    refuses('npm test', ['npm t*']);
    approves('node -e "console.log(1)"');
  });

  it('never approves through a prefix that itself holds a metacharacter', () => {
    refuses('npm test; ls', ['npm test;']);
    refuses('npm test && ls', ['npm test &&']);
  });

  it('accepts any of several prefixes', () => {
    approves('git status', ['npm test', 'git status']);
    refuses('git diff', ['npm test', 'git status']);
  });

  it('with the windows dialect, refuses every metacharacter, quoted or not', () => {
    assert.equal(autoApproved('npm test', PREFIXES, 'windows'), true);
    assert.equal(autoApproved('npm test -- --grep foo', PREFIXES, 'windows'), true);
    assert.equal(autoApproved('npm test "a b"', PREFIXES, 'windows'), true);
    for (const cmd of ["npm test 'a&b'", 'npm test "a&b"', 'npm test %PATH%', 'npm test ^& x', 'npm test "a|b"', 'npm test !x!', 'npm test $(x)', 'npm test (x)', 'npm test a>b', 'npm test\r\nx']) {
      assert.equal(autoApproved(cmd, PREFIXES, 'windows'), false, cmd);
    }
  });

  it('isSimplePosixCommand answers for the whole line', () => {
    assert.equal(isSimplePosixCommand('ls -la'), true);
    assert.equal(isSimplePosixCommand('ls; ls'), false);
    assert.equal(isSimplePosixCommand(''), true);
  });
});
