/**
 * Preloaded into `isobench run` by faults-interrupt.test.ts: once a QEMU of this process exists (a VM is booting),
 * throws from a timer, i.e. an error nothing catches, as a bug in a callback would.
 */
import { readdir, readFile } from 'node:fs/promises';

async function ownQemu(): Promise<boolean> {
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) continue;
    if ((await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).startsWith('qemu-system')) return true;
  }
  return false;
}

const timer = setInterval(() => {
  void ownQemu().then((found) => {
    if (!found) return;
    clearInterval(timer);
    setTimeout(() => {
      throw new Error('injected by the test: a bug in a callback');
    }, 500);
  });
}, 200);
timer.unref();
