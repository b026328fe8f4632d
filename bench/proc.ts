/**
 * Linux /proc readers: CPU time of a process and its reaped children, and the resident memory
 * of a whole process tree (the service plus the ffmpeg processes it spawns).
 */
import * as fs from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on every Linux this runs on; sysconf is not reachable from Node.

function statFields(pid: number | 'self'): string[] | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces; fields start after the closing parenthesis.
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** utime+stime+cutime+cstime of a process, in ms (fields 14-17 of stat). */
export function processTreeCpuMs(pid: number): number {
  const f = statFields(pid);
  if (!f) return 0;
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS;
}

/** CPU of this process's children that have exited and been waited for. */
export function childrenCpuMs(): number {
  const f = statFields('self');
  if (!f) return 0;
  return (Number(f[13]) + Number(f[14])) * TICK_MS;
}

export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function childPids(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      for (const c of fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/)) {
        if (c) out.push(Number(c));
      }
    } catch {
      // thread exited between readdir and read
    }
  }
  return out;
}

export function treeRssKb(pid: number): number {
  let sum = rssKb(pid);
  for (const c of childPids(pid)) sum += treeRssKb(c);
  return sum;
}

/** Samples the tree's RSS every `everyMs` until stopped; reports the peak seen. */
export class RssSampler {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly pid: number, private readonly everyMs = 20) {}
  start(): this {
    this.peak = treeRssKb(this.pid);
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, treeRssKb(this.pid));
    }, this.everyMs);
    return this;
  }
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.peak = Math.max(this.peak, treeRssKb(this.pid));
    return this.peak;
  }
}

/** Busy CPU time of the whole machine so far (all cores, everything but idle and iowait), in ms. */
export function machineBusyMs(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...
  const busy = v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] ?? 0);
  return busy * TICK_MS;
}
