// A watchdog that outlives its owner: it notes every descendant of the owner process every half
// second and, once the owner is gone (killed, crashed, pipe closed), ends the ones it noted, so a
// test run stopped by force leaves no code-server, extension host or Chromium behind.
//   node reaper.mjs <ownerPid>
import { readdirSync, readFileSync } from 'node:fs';

const owner = Number(process.argv[2]);

/** pid -> [ppid, start time]; the start time tells a reused pid from the one we noted. */
function table() {
  const t = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      t.set(Number(name), [Number(f[1]), f[19]]);
    } catch { /* gone */ }
  }
  return t;
}

const noted = new Map(); // pid -> start time
function note() {
  const t = table();
  if (!t.has(owner)) return false;
  const children = new Map();
  for (const [pid, [ppid]] of t) {
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  const stack = [owner];
  while (stack.length) {
    for (const c of children.get(stack.pop()) ?? []) {
      if (c === process.pid) continue;
      noted.set(c, t.get(c)[1]);
      stack.push(c);
    }
  }
  // forget the ones that ended on their own
  for (const pid of noted.keys()) if (!t.has(pid)) noted.delete(pid);
  return true;
}

function sweep(signal) {
  const t = table();
  let left = 0;
  for (const [pid, start] of noted) {
    if (t.get(pid)?.[1] !== start) continue;
    left++;
    try { process.kill(pid, signal); } catch { /* gone */ }
  }
  return left;
}

const timer = setInterval(() => {
  if (note()) return;
  clearInterval(timer);
  if (sweep('SIGTERM') === 0) process.exit(0);
  setTimeout(() => { sweep('SIGKILL'); process.exit(0); }, 2000);
}, 500);
