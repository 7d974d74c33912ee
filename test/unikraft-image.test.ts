import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../cli/config.ts';
import { checkInitrd, checkKernel, ImageError, kraftfileName, locateKraftBuild } from '../runners/unikraft/image.ts';
import { WORKLOADS } from '../fixtures/workloads.ts';
import { resolveImage } from '../runners/unikraft/runner.ts';
import { arm64Elf, bzImageHeader, multibootElf32, multibootElf64, pvhElf64 } from './tiny-kernels.ts';

const dir = mkdtempSync(join(tmpdir(), 'isobench-unikraft-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The start of a newc cpio archive (magic, header fields, the trailer's name). */
const newcBytes = (): Buffer => Buffer.from('070701' + '0'.repeat(104) + 'TRAILER!!!\0', 'latin1');

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

describe('checkKernel', () => {
  it('accepts the 32-bit multiboot ELF Unikraft builds for qemu', async () => {
    expect(await checkKernel(file('app_qemu-x86_64', multibootElf32()))).toBe('multiboot');
  });

  it('accepts a 64-bit ELF with a PVH note, and a bzImage', async () => {
    expect(await checkKernel(file('pvh', pvhElf64()))).toBe('pvh');
    expect(await checkKernel(file('vmlinuz', bzImageHeader()))).toBe('bzImage');
  });

  it('refuses a text file, saying what it is', async () => {
    const path = file('kernel.txt', 'kernel: ./build/app_qemu-x86_64\n');
    await expect(checkKernel(path)).rejects.toThrow(`${path} is not a bootable kernel image: it is a text file`);
  });

  it('refuses an empty file', async () => {
    await expect(checkKernel(file('empty', ''))).rejects.toThrow(/is not a bootable kernel image: it is empty$/);
  });

  it('refuses the 64-bit debug image QEMU would refuse, and points at the stripped one', async () => {
    await expect(checkKernel(file('app_qemu-x86_64.dbg', multibootElf64()))).rejects.toThrow(/without the \.dbg suffix/);
  });

  it('refuses a Linux program (no multiboot header, no PVH note)', async () => {
    await expect(checkKernel(process.execPath)).rejects.toThrow(/neither a multiboot header nor a PVH note/);
  });

  it('refuses an image for another architecture and a compressed one', async () => {
    await expect(checkKernel(file('app_qemu-arm64', arm64Elf()))).rejects.toThrow(/ELF file for arm64, not x86: build the image with --arch x86_64/);
    await expect(checkKernel(file('app.gz', gzipSync(multibootElf32())))).rejects.toThrow(/gzip-compressed/);
  });

  it('refuses a truncated ELF with a clear message', async () => {
    await expect(checkKernel(file('truncated', multibootElf32().subarray(0, 40)))).rejects.toThrow(/is not a bootable kernel image/);
    await expect(checkKernel(file('truncated64', pvhElf64().subarray(0, 60)))).rejects.toThrow(/is not a bootable kernel image/);
  });

  it('says when the file is missing or a folder', async () => {
    await expect(checkKernel(join(dir, 'nope'))).rejects.toThrow(/does not exist/);
    await expect(checkKernel(dir)).rejects.toThrow(ImageError);
  });
});

describe('checkInitrd', () => {
  it('accepts an uncompressed newc cpio', async () => {
    await expect(checkInitrd(file('rootfs.cpio', newcBytes()))).resolves.toBeUndefined();
  });

  it('refuses a compressed cpio unless the kernel is a stand-in that reads it', async () => {
    const gz = file('rootfs.cpio.gz', gzipSync(newcBytes()));
    await expect(checkInitrd(gz)).rejects.toThrow(/is gzip-compressed: Unikraft extracts only uncompressed newc cpio/);
    await expect(checkInitrd(gz, { compressedOk: true })).resolves.toBeUndefined();
  });

  it('refuses something that is not a cpio', async () => {
    await expect(checkInitrd(file('rootfs.tar', 'ustar'))).rejects.toThrow(/not a newc cpio archive.*cpio -o -H newc/);
  });
});

describe('locateKraftBuild', () => {
  it('finds the kernel and initrd kraft built, by the Kraftfile name', async () => {
    const project = join(dir, 'nginx');
    file('nginx/Kraftfile', 'spec: v0.6\n\nname: nginx\n\nrootfs: ./Dockerfile\ncmd: ["/usr/bin/nginx"]\n');
    file('nginx/.unikraft/build/nginx_qemu-x86_64', multibootElf32());
    file('nginx/.unikraft/build/nginx_qemu-x86_64.dbg', multibootElf64());
    file('nginx/.unikraft/build/nginx_fc-x86_64', multibootElf32());
    file('nginx/.unikraft/build/initramfs-x86_64.cpio', newcBytes());
    expect(await locateKraftBuild(project, { kraftOnPath: true })).toEqual({
      kernel: join(project, '.unikraft/build/nginx_qemu-x86_64'),
      initrd: join(project, '.unikraft/build/initramfs-x86_64.cpio'),
    });
  });

  it('says how to build a project that was not built', async () => {
    const project = join(dir, 'unbuilt');
    file('unbuilt/Kraftfile', 'spec: v0.6\nname: helloworld\n');
    await expect(locateKraftBuild(project, { kraftOnPath: true })).rejects.toThrow(
      `kraft project ${project} has no built qemu/x86_64 kernel in ${project}/.unikraft/build: cd ${project} && kraft build --plat qemu --arch x86_64`,
    );
    await expect(locateKraftBuild(project, { kraftOnPath: false })).rejects.toThrow(/install kraft/);
  });

  it('is not a kraft project without a Kraftfile', async () => {
    mkdirSync(join(dir, 'plain'), { recursive: true });
    expect(await locateKraftBuild(join(dir, 'plain'), { kraftOnPath: true })).toBeUndefined();
  });

  it('reads the name from a Kraftfile', () => {
    expect(kraftfileName('spec: v0.6\nname: "http-c"  # the app\n')).toBe('http-c');
    expect(kraftfileName('spec: v0.6\nunikraft: stable\n')).toBeUndefined();
  });
});


describe('resolveImage', () => {
  /** An image entry as bench.config.ts would give it, with the schema's defaults applied. */
  const image = (entry: Record<string, unknown>) => parseConfig({ runners: { unikraft: { images: { nginx: entry } } } }).runners.unikraft.images.nginx!;
  const kernel = () => file('elfloader_qemu-x86_64', multibootElf32());

  it('runs the workload command from its own rootfs for an app-elfloader image', async () => {
    const resolved = await resolveImage(WORKLOADS['http-hello'], image({ kernel: kernel(), initrd: 'workload-rootfs' }));
    expect(resolved).toMatchObject({ format: 'multiboot', initrd: 'workload-rootfs', guestPort: 8080 });
    expect(resolved.append).toBe('netdev.ip=10.0.2.15/24:10.0.2.2 vfs.fstab=[ "initrd0:/:extract:::" ] -- /usr/sbin/lighttpd -D -f /etc/lighttpd/lighttpd.conf');
  });

  it("passes the workload's environment, and the image's own arguments when it has them", async () => {
    const postgres = await resolveImage(WORKLOADS.postgres, image({ kernel: kernel(), initrd: 'workload-rootfs', appArgs: ['/usr/lib/postgresql/15/bin/postgres'] }));
    expect(postgres.append).toBe(
      'netdev.ip=10.0.2.15/24:10.0.2.2 vfs.fstab=[ "initrd0:/:extract:::" ] env.vars=[ "TZ=Etc/UTC" ] -- /usr/lib/postgresql/15/bin/postgres',
    );
  });

  it("carries Redis' container command as it is: its settings (save \"\" among them) are in a file of the rootfs", async () => {
    const resolved = await resolveImage(WORKLOADS.redis, image({ kernel: kernel(), initrd: 'workload-rootfs' }));
    expect(resolved.append).toBe('netdev.ip=10.0.2.15/24:10.0.2.2 vfs.fstab=[ "initrd0:/:extract:::" ] -- /usr/bin/redis-server /etc/redis/redis.conf');
  });

  it('says which argument a Unikraft command line cannot carry', async () => {
    await expect(
      resolveImage(WORKLOADS.redis, image({ kernel: kernel(), initrd: 'workload-rootfs', appArgs: ['/usr/bin/redis-server', '--save', ''] })),
    ).rejects.toThrow(/application argument 3 of .* is empty/);
  });

  it('takes the kernel and initrd a kraft project built, with the root mounted from the initrd', async () => {
    file('catalog/nginx/Kraftfile', 'spec: v0.6\nname: nginx\n');
    file('catalog/nginx/.unikraft/build/nginx_qemu-x86_64', multibootElf32());
    file('catalog/nginx/.unikraft/build/initramfs-x86_64.cpio', newcBytes());
    const project = join(dir, 'catalog/nginx');
    const resolved = await resolveImage(WORKLOADS.nginx, image({ kernel: project, appArgs: ['/usr/bin/nginx'], guestPort: 80 }));
    expect(resolved).toMatchObject({
      kernel: join(project, '.unikraft/build/nginx_qemu-x86_64'),
      initrd: join(project, '.unikraft/build/initramfs-x86_64.cpio'),
      source: `kraft project ${project}`,
      guestPort: 80,
      append: 'netdev.ip=10.0.2.15/24:10.0.2.2 vfs.fstab=[ "initrd0:/:extract:::" ] -- /usr/bin/nginx',
    });
  });

  it('refuses a folder that is not a kraft project', async () => {
    mkdirSync(join(dir, 'not-a-project'), { recursive: true });
    await expect(resolveImage(WORKLOADS.nginx, image({ kernel: join(dir, 'not-a-project') }))).rejects.toThrow(/is a folder but not a kraft project/);
  });
});
