import { execFile } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRootfs, cachedRootfs, hashTree } from '../../fixtures/rootfs.ts';
import { WORKLOADS, type Workload } from '../../fixtures/workloads.ts';

const run = promisify(execFile);
const hello = WORKLOADS['http-hello'];
const rootfsModule = fileURLToPath(new URL('../../fixtures/rootfs.ts', import.meta.url));

// One cache for the file (the package downloads are shared); each test builds its own variant, so its own entry.
let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'isobench-cache-test-'));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

/** Temporary build folders left in the cache. */
const leftovers = async () => (await readdir(join(cacheDir, 'rootfs')).catch(() => [])).filter((e) => e.startsWith('.'));

/** http-hello with another rootfs definition (so another cache key). */
const variant = (rootfs: Partial<Workload['rootfs']>): Workload => ({ ...hello, rootfs: { ...hello.rootfs, ...rootfs } });
const marked = (marker: string) => variant({ files: { ...hello.rootfs.files, '/marker': { content: marker } } });
/**
 * http-hello's rootfs with busybox alone (one package with no dependencies, not lighttpd's 60): for the setup and the
 * failures, which need a shell and not a web server, unpacked in a fraction of the time.
 */
const shellOnly = (rootfs: Partial<Workload['rootfs']>): Workload => variant({ packages: ['busybox-static'], keep: ['/bin/busybox'], ...rootfs });

describe('buildRootfs', () => {
  it('builds the tree from the packages, with the shell link, mount points, files and owned folders', async () => {
    const built = await buildRootfs(hello, { cacheDir });
    expect(built.workload).toBe('http-hello');
    expect(await readlink(join(built.dir, 'bin/sh'))).toBe('busybox');
    expect((await lstat(join(built.dir, 'bin/busybox'))).mode & 0o777).toBe(0o755);
    expect(await readFile(join(built.dir, 'www/index.html'), 'utf8')).toBe('hello from isobench\n');
    expect(await readFile(join(built.dir, 'etc/passwd'), 'utf8')).toContain('isobench:x:1000:1000:');
    const tmp = await lstat(join(built.dir, 'tmp'));
    expect([tmp.uid, tmp.gid]).toEqual([1000, 1000]);
    for (const dir of ['dev', 'proc', 'sys']) expect((await lstat(join(built.dir, dir))).isDirectory()).toBe(true);
    expect(built.hash).toBe(await hashTree(built.dir));
    const manifest = JSON.parse(await readFile(join(built.dir, '../manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ workload: 'http-hello', hash: built.hash });
    expect(manifest.debs).toEqual(expect.arrayContaining([expect.stringMatching(/^busybox-static_.*\.deb$/), expect.stringMatching(/^lighttpd_.*\.deb$/)]));
  });

  it('returns the cached tree without building again, and finds it synchronously', async () => {
    const first = await buildRootfs(hello, { cacheDir });
    const lines: string[] = [];
    const second = await buildRootfs(hello, { cacheDir, log: (line) => lines.push(line) });
    expect(second).toEqual(first);
    expect(lines).toEqual([]);
    expect(cachedRootfs(hello, cacheDir)).toEqual(first);
    expect(cachedRootfs(variant({ files: {} }), cacheDir)).toBeUndefined();
  });

  it('runs setup in the tree as the workload user, with the workload environment and /dev/null, and hashes its result', async () => {
    const w: Workload = {
      ...shellOnly({ setup: ['/bin/busybox', 'sh', '-c', 'echo "$(id -u):$(id -g) TZ=$TZ HOME=${HOME:-unset}" > /tmp/who; echo x > /dev/null'] }),
      env: { TZ: 'Etc/UTC' },
    };
    const built = await buildRootfs(w, { cacheDir });
    expect(await readFile(join(built.dir, 'tmp/who'), 'utf8')).toBe('1000:1000 TZ=Etc/UTC HOME=unset\n');
    expect((await lstat(join(built.dir, 'tmp/who'))).uid).toBe(1000);
    await expect(lstat(join(built.dir, 'dev/null'))).rejects.toThrow(/ENOENT/);
    expect(built.hash).toBe(await hashTree(built.dir));
    expect(built.hash).not.toBe((await buildRootfs(hello, { cacheDir })).hash);
  });

  it('names a kept path that no package has, and leaves no cache entry', async () => {
    const w = shellOnly({ keep: ['/bin/busybox', '/no-package-has/this'] });
    await expect(buildRootfs(w, { cacheDir })).rejects.toThrow(
      /http-hello: kept path \/no-package-has\/this cannot be copied: .*\/no-package-has does not exist.*Fix rootfs\.keep or rootfs\.packages/,
    );
    expect(cachedRootfs(w, cacheDir)).toBeUndefined();
    expect(await leftovers()).toEqual([]);
  });

  it('shows the output of a failing setup, and leaves no cache entry', async () => {
    const w = shellOnly({ setup: ['/bin/busybox', 'sh', '-c', 'echo initdb: broken >&2; exit 1'] });
    await expect(buildRootfs(w, { cacheDir })).rejects.toThrow(/http-hello: rootfs setup failed .*\n.*initdb: broken/);
    expect(cachedRootfs(w, cacheDir)).toBeUndefined();
    expect(await leftovers()).toEqual([]);
  });

  it('stops on abort and leaves no cache entry', async () => {
    const controller = new AbortController();
    controller.abort(new Error('interrupted by the test'));
    const w = marked('aborted');
    await expect(buildRootfs(w, { cacheDir, signal: controller.signal })).rejects.toThrow();
    expect(cachedRootfs(w, cacheDir)).toBeUndefined();
    expect(await leftovers()).toEqual([]);
  });

  it('lets two processes build the same rootfs at once: both get the one finished entry', async () => {
    const w = marked('raced');
    const script = `import { buildRootfs } from ${JSON.stringify(rootfsModule)};
      console.log(JSON.stringify(await buildRootfs(${JSON.stringify(w)}, { cacheDir: ${JSON.stringify(cacheDir)} })));`;
    const builders = [1, 2].map(() => run(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script]));
    const [a, b] = (await Promise.all(builders)).map((r) => JSON.parse(r.stdout.trim()));
    expect(a).toEqual(b);
    expect(a).toEqual(cachedRootfs(w, cacheDir));
    expect(a.hash).toBe(await hashTree(a.dir));
    expect(await leftovers()).toEqual([]);
  });
});
