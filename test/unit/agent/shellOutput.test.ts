// A command's output as the model gets it: escape sequences stripped even when a chunk cuts one,
// stored keys hidden even when a chunk cuts one, and only the head and the tail kept past the cap.
import * as assert from 'node:assert/strict';
import { AnsiStripper, HeadTail, OutputCapture, SecretHider } from '../../../src/agent/shellOutput';

/** Feeds `text` in chunks of `size` characters (every split point when size is 1). */
function feed(p: { push(s: string): string }, text: string, size: number): string {
  let out = '';
  for (let i = 0; i < text.length; i += size) out += p.push(text.slice(i, i + size));
  return out;
}

describe('agent/shellOutput', () => {
  describe('AnsiStripper', () => {
    const colored = '\x1b[31mred\x1b[0m and \x1b[1;32mgreen\x1b[m\r\n\x1b]0;title\x07done\x1b]633;D;0\x1b\\ \x1b(Bok\x1b[?25h\r\nlast\rover';
    const plain = 'red and green\ndone ok\nlast\nover';

    it('strips colours, OSC titles and shell-integration marks, and turns \\r\\n into \\n', () => {
      const s = new AnsiStripper();
      assert.equal(s.push(colored) + s.flush(), plain);
    });

    it('gives the same text whatever the chunk size', () => {
      for (const size of [1, 2, 3, 5, 7, 13]) {
        const s = new AnsiStripper();
        assert.equal(feed(s, colored, size) + s.flush(), plain, `chunks of ${size}`);
      }
    });

    it('drops control characters but keeps tabs', () => {
      const s = new AnsiStripper();
      assert.equal(s.push('a\tb\x07c\x00d\x08e') + s.flush(), 'a\tbcde');
    });

    it('does not hold a stray escape forever', () => {
      const s = new AnsiStripper();
      const out = s.push('\x1b]never ends' + 'x'.repeat(5000));
      assert.ok(out.endsWith('x'.repeat(100)), 'the text after a broken sequence comes out');
    });
  });

  describe('SecretHider', () => {
    it('hides a key that a chunk boundary cuts, at every split point', () => {
      const key = 'STORED-KEY-abc123xyz';
      const text = `before ${key} middle ${key}after`;
      for (let size = 1; size <= text.length; size++) {
        const h = new SecretHider([key]);
        const out = feed(h, text, size) + h.flush();
        assert.equal(out, 'before *** middle ***after', `chunks of ${size}`);
      }
    });

    it('ignores empty and very short secrets', () => {
      const h = new SecretHider(['', 'ab', undefined]);
      assert.equal(h.push('ab cd') + h.flush(), 'ab cd');
    });
  });

  describe('HeadTail', () => {
    it('keeps everything that fits', () => {
      const k = new HeadTail(100);
      for (const c of ['abc', 'def', 'x'.repeat(94)]) k.push(c);
      assert.deepEqual(k.result(), { text: 'abcdef' + 'x'.repeat(94), truncated: false, cut: 0 });
    });

    it('keeps the first 40% and the last 60% and says how much was cut', () => {
      const k = new HeadTail(100);
      const text = Array.from({ length: 1000 }, (_, i) => String(i % 10)).join('');
      for (let i = 0; i < text.length; i += 7) k.push(text.slice(i, i + 7));
      const r = k.result();
      assert.equal(r.truncated, true);
      assert.equal(r.cut, 900);
      assert.equal(r.text, `${text.slice(0, 40)}\n[… 900 characters cut …]\n${text.slice(-60)}`);
    });

    it('holds little more than the cap however much arrives', () => {
      const k = new HeadTail(1000);
      for (let i = 0; i < 10_000; i++) k.push('y'.repeat(100));
      const held = (k as unknown as { tail: string[] }).tail.join('').length + (k as unknown as { head: string }).head.length;
      assert.ok(held <= 1000, `held ${held}`);
      assert.equal(k.result().cut, 1_000_000 - 1000);
    });
  });

  describe('OutputCapture', () => {
    it('strips, hides and cuts in one pass, and scrubs key-like strings too', () => {
      const c = new OutputCapture(10_000, ['my-stored-key-42']);
      for (const ch of '\x1b[32mok\x1b[0m my-stored-key-42 and sk-abcdefghijkl\r\n') c.push(ch);
      assert.deepEqual(c.finish(), { text: 'ok *** and sk-***\n', truncated: false });
    });

    it('never leaves part of a key beside the cut', () => {
      const key = 'PART-OF-A-KEY-0123456789';
      const c = new OutputCapture(60, [key]);
      c.push('a'.repeat(20) + key + 'b'.repeat(200) + key + 'c'.repeat(20));
      const { text, truncated } = c.finish();
      assert.equal(truncated, true);
      for (let n = 6; n <= key.length; n++) assert.ok(!text.includes(key.slice(0, n)) && !text.includes(key.slice(-n)), `${n} characters of the key in ${text}`);
    });
  });
});
