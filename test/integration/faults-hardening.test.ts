import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../cli/config.ts';
import { stopAll } from '../../core/lifecycle.ts';
import { runDir } from '../../core/rundir.ts';
import { WORKLOADS } from '../../fixtures/workloads.ts';
import { createContainerRunner } from '../../runners/container/runner.ts';
import { docker } from '../../runners/container/docker.ts';
import { createLinuxVmRunner } from '../../runners/linux-vm/runner.ts';
import { decideAccelerator } from '../../runners/qemu/accel.ts';
import { qemuBinary } from '../../runners/qemu/binary.ts';
import type { Instance } from '../../runners/types.ts';
import { cmdline, run } from './faults-helpers.ts';
import { cacheDir, expectNothingLeft } from './suites-helpers.ts';

const w = WORKLOADS['http-hello'];
let vm: Instance;
let container: Instance;
beforeAll(async () => {
  const accelerator = await decideAccelerator('auto', cacheDir);
  vm = await createLinuxVmRunner({ cacheDir, accelerator, config: parseConfig({}).runners['linux-vm'] }).start(w, { readyTimeoutMs: 120_000 });
  container = await createContainerRunner({ cacheDir }).start(w, { readyTimeoutMs: 60_000 });
}, 300_000);
afterAll(async () => {
  await stopAll();
  await expectNothingLeft();
});

/** Listening TCP sockets: local address and the processes holding them, from `ss -ltnpH`. */
async function listeners(): Promise<{ address: string; port: number; processes: string }[]> {
  const { stdout } = await run('ss', ['-ltnpH']);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [, , , local = '', , processes = ''] = line.trim().split(/\s+/);
      const at = local.lastIndexOf(':');
      return { address: local.slice(0, at), port: Number(local.slice(at + 1)), processes };
    });
}

describe('what isobench exposes while instances run', () => {
  it('listens on loopback only: the QEMU port forward and the container port are on 127.0.0.1, QMP on no TCP port', async () => {
    const all = await listeners();
    const ofQemu = all.filter((l) => l.processes.includes(`pid=${vm.pid},`));
    expect(ofQemu).toEqual([{ address: '127.0.0.1', port: vm.endpoint.port, processes: expect.any(String) }]);
    const onContainerPort = all.filter((l) => l.port === container.endpoint.port);
    // docker-proxy holds it when the engine uses the userland proxy; either way nothing but loopback.
    expect(onContainerPort.filter((l) => l.address !== '127.0.0.1')).toEqual([]);
  });

  it('runs QEMU sandboxed, with its QMP socket and pid file in the private run folder', async () => {
    const args = await cmdline(vm.pid!);
    if ((await qemuBinary()).sandbox) expect(args).toMatch(/ -sandbox on,/);
    const folder = runDir();
    const qmp = new RegExp(` -qmp unix:(${folder}/[^ ,]+\\.qmp),server=on,wait=off`).exec(args);
    const pidFile = new RegExp(` -pidfile (${folder}/[^ ]+\\.pid)`).exec(args);
    expect(qmp, args).not.toBeNull();
    expect(pidFile, args).not.toBeNull();
    expect((await stat(qmp![1]!)).isSocket()).toBe(true);
    // No monitor, no other TCP endpoint: the only tcp: on the line is the loopback port forward.
    expect(args.match(/tcp:[^ ,-]*/g)).toEqual(['tcp:127.0.0.1:' + vm.endpoint.port]);
    expect(args).not.toMatch(/ -monitor | -serial (?!stdio)/);
    for (const dir of [folder, dirname(folder)]) {
      const st = await stat(dir);
      expect({ dir, mode: (st.mode & 0o777).toString(8), uid: st.uid }).toEqual({ dir, mode: '700', uid: process.getuid!() });
    }
  });

  it('runs the container unprivileged, with no host mounts, namespaces or extra capabilities', async () => {
    const info = await docker.getContainer(container.id).inspect();
    const host = info.HostConfig;
    expect(host.Privileged).toBe(false);
    expect(info.Mounts).toEqual([]);
    expect(host.Binds ?? []).toEqual([]);
    expect(host.CapAdd ?? []).toEqual([]);
    expect(host.Devices ?? []).toEqual([]);
    expect([host.NetworkMode, host.PidMode || 'private', host.IpcMode]).not.toContain('host');
    expect(host.PortBindings).toEqual({ [`${w.port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(container.endpoint.port) }] });
  });
});
