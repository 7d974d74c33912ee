import { scanDockerProxies } from './container/memory.ts';
import type { HostScan } from './types.ts';

/** A scan whose lookups run once, on first use, and are shared by every reading that uses the scan. */
export function createHostScan(): HostScan {
  let proxies: Promise<ReadonlyMap<number, number>> | undefined;
  return {
    dockerProxies: () => (proxies ??= scanDockerProxies()),
  };
}
