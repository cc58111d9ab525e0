// The delta batcher on a clock the test drives: the first text and the first reasoning of a turn
// are posted at once, everything after waits for the interval and goes as one batch.
import * as assert from 'node:assert/strict';
import { DeltaBatcher, type Clock, type DeltaBatch } from '../../../src/turns/batcher';

/** Timers that fire only on tick(); `armed` is how many are pending. */
class ManualClock implements Clock {
  private timers = new Map<number, { fn: () => void; ms: number }>();
  private next = 0;
  setTimeout(fn: () => void, ms: number): unknown {
    this.timers.set(++this.next, { fn, ms });
    return this.next;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  get armed(): number[] {
    return [...this.timers.values()].map((t) => t.ms);
  }
  tick(): void {
    const due = [...this.timers.values()];
    this.timers.clear();
    due.forEach((t) => t.fn());
  }
}

describe('delta batcher', () => {
  it('posts the first text at once, without waiting for the interval, and batches what follows', () => {
    const clock = new ManualClock();
    const posted: DeltaBatch[] = [];
    const b = new DeltaBatcher((x) => posted.push(x), 40, clock);
    b.addText('Hello');
    assert.deepEqual(posted, [{ text: 'Hello' }], 'posted before any timer fired');
    assert.deepEqual(clock.armed, [], 'and no timer was needed for it');
    b.addText(', ');
    b.addText('world');
    assert.equal(posted.length, 1, 'the second and third wait for the interval');
    assert.deepEqual(clock.armed, [40]);
    clock.tick();
    assert.deepEqual(posted, [{ text: 'Hello' }, { text: ', world' }]);
    b.addText('!');
    assert.equal(posted.length, 2, 'still batched after the first batch went');
    b.flush();
    assert.deepEqual(posted.at(-1), { text: '!' });
    b.dispose();
  });

  it('posts the first reasoning at once, then the first text at once (with any reasoning still pending)', () => {
    const clock = new ManualClock();
    const posted: DeltaBatch[] = [];
    const b = new DeltaBatcher((x) => posted.push(x), 40, clock);
    b.addReasoning('Let me think');
    assert.deepEqual(posted, [{ reasoning: 'Let me think' }]);
    b.addReasoning(' more');
    assert.equal(posted.length, 1);
    b.addText('Answer');
    assert.deepEqual(posted.at(-1), { reasoning: ' more', text: 'Answer' }, 'the first text does not wait either');
    assert.deepEqual(clock.armed, [], 'the pending timer went with it');
    b.addText(' goes on');
    b.addReasoning('late thought');
    assert.equal(posted.length, 2);
    clock.tick();
    assert.deepEqual(posted.at(-1), { text: ' goes on', reasoning: 'late thought' });
    b.dispose();
  });

  it('ignores empty strings: the first real text is still the one posted at once', () => {
    const clock = new ManualClock();
    const posted: DeltaBatch[] = [];
    const b = new DeltaBatcher((x) => posted.push(x), 40, clock);
    b.addText('');
    assert.deepEqual(posted, []);
    b.addText('x');
    assert.deepEqual(posted, [{ text: 'x' }]);
    b.dispose();
  });
});
