// Mocha reporter for the plain-Node stages (unit, e2e): prints like `spec` and, when
// QWEN_TEST_RESULTS names a file, writes {passes, failures, pending, tests} there for test/run-all.mjs.
'use strict';
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname, basename } = require('node:path');
const Mocha = require('mocha');

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const tests = [];
    const file = (t) => (t.file ? basename(t.file) : undefined);
    runner.on(EVENT_TEST_PASS, (t) => tests.push({ title: t.fullTitle(), file: file(t), state: 'passed', durationMs: t.duration }));
    runner.on(EVENT_TEST_FAIL, (t, err) => tests.push({ title: t.fullTitle(), file: file(t), state: 'failed', error: String((err && err.stack) || err) }));
    runner.on(EVENT_TEST_PENDING, (t) => tests.push({ title: t.fullTitle(), file: file(t), state: 'pending' }));
    runner.once(EVENT_RUN_END, () => {
      const out = process.env.QWEN_TEST_RESULTS;
      if (!out) return;
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify({
        passes: tests.filter((t) => t.state === 'passed').length,
        failures: tests.filter((t) => t.state === 'failed').length,
        pending: tests.filter((t) => t.state === 'pending').length,
        tests,
      }, null, 2));
    });
  }
}

module.exports = CountReporter;
