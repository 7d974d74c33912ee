import { ensureTools, installCommand, TEST_TOOLS } from '../core/host-tools.ts';
import { DOCKER_TOOL, ensureDockerd } from '../runners/container/docker.ts';
import { QEMU_TOOLS } from '../runners/qemu/engine.ts';
import { REFERENCE_TOOLS } from '../suites/load/reference.ts';

/**
 * vitest global setup: the host tools the tests need (the throughput cross-check's reference tools among them), installed through the harness's own path (apt-get, as root
 * on Debian), and dockerd started, as `npm run bench` does. So `npm test` passes on a fresh machine; elsewhere it
 * says once what to install instead of each test failing with ENOENT.
 */
export default async function setup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[test setup] ${line}\n`);
  const missing = await ensureTools([DOCKER_TOOL, ...QEMU_TOOLS, ...Object.values(REFERENCE_TOOLS), ...TEST_TOOLS], { install: true, log });
  if (missing.length) {
    log(`missing ${missing.map((t) => `${t.bin} (${t.neededBy})`).join(', ')}; install with: ${installCommand(missing)} (as root)`);
  }
  await ensureDockerd(log);
}
