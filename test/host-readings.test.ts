import { describe, expect, it } from 'vitest';
import { busyShare, hostCpuTimes, parseProcStat } from '../core/cpu-load.ts';
import { processStartTime } from '../core/processes.ts';
import { proxiedPort } from '../runners/container/memory.ts';

describe('host CPU from /proc/stat', () => {
  it('counts iowait as idle and leaves guest time out (it is inside user already)', () => {
    const text = 'cpu  100 5 50 1000 20 3 2 1 40 0\ncpu0 50 2 25 500 10 1 1 0 20 0\nintr 123\n';
    expect(parseProcStat(text)).toEqual({ busy: 100 + 5 + 50 + 3 + 2 + 1, total: 161 + 1000 + 20 });
  });

  it('says what is wrong with a file without the aggregate line', () => {
    expect(() => parseProcStat('cpu0 1 2 3 4\n')).toThrow('/proc/stat has no aggregate "cpu" line');
  });

  it('gives the busy share between two readings, unknown when no tick passed', () => {
    expect(busyShare({ busy: 100, total: 400 }, { busy: 150, total: 500 })).toBe(0.5);
    expect(busyShare({ busy: 100, total: 400 }, { busy: 100, total: 400 })).toBeUndefined();
  });

  it('reads this host: busy within total, and both only grow', async () => {
    const a = await hostCpuTimes();
    const b = await hostCpuTimes();
    expect(a.busy).toBeGreaterThan(0);
    expect(a.busy).toBeLessThanOrEqual(a.total);
    expect(b.total).toBeGreaterThanOrEqual(a.total);
  });
});

describe('docker-proxy argv', () => {
  it('names the host port it forwards', () => {
    const argv = ['/usr/sbin/docker-proxy', '-proto', 'tcp', '-host-ip', '127.0.0.1', '-host-port', '40123', '-container-ip', '172.17.0.2', '-container-port', '8080', ''];
    expect(proxiedPort(argv)).toBe(40123);
    expect(proxiedPort(['/usr/sbin/nginx'])).toBeUndefined();
    expect(proxiedPort(['docker-proxy', '-host-port'])).toBeUndefined();
  });
});

describe('process start time', () => {
  it('is that of this process, stable between readings, and undefined for a pid that does not exist', async () => {
    const mine = await processStartTime(process.pid);
    expect(mine).toBeGreaterThan(0);
    expect(await processStartTime(process.pid)).toBe(mine);
    // pid 1 started before this process did.
    expect(await processStartTime(1)).toBeLessThanOrEqual(mine!);
    expect(await processStartTime(2 ** 22 + 1)).toBeUndefined();
  });
});
