import { execFileSync } from 'node:child_process';
import { chmod, chown, lchown, lstat, mkdir, mkdtemp, readlink, rm, symlink, utimes, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLoaderList, readElf } from '../fixtures/elf-closure.ts';
import { hashTree } from '../fixtures/rootfs.ts';
import { followPath, TreeCopier } from '../fixtures/tree-copy.ts';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'isobench-rootfs-test-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A small rootfs-like tree: files with modes and owners, an owned folder, relative and absolute symlinks. */
async function makeTree(dir: string): Promise<void> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  await mkdir(join(dir, 'etc'));
  await mkdir(join(dir, 'data'));
  await writeFile(join(dir, 'bin/tool'), '#!/bin/sh\necho hi\n');
  await chmod(join(dir, 'bin/tool'), 0o755);
  await writeFile(join(dir, 'etc/passwd'), 'root:x:0:0::/:/bin/sh\n');
  await chmod(join(dir, 'etc/passwd'), 0o644);
  await chown(join(dir, 'data'), 1000, 1000);
  await chmod(join(dir, 'data'), 0o700);
  await symlink('tool', join(dir, 'bin/sh'));
  await symlink('/etc/passwd', join(dir, 'etc/users'));
  await writeFile(join(dir, 'data/secret'), 'x');
  await chown(join(dir, 'data/secret'), 1000, 1000);
}

describe('hashTree', () => {
  it('is the same for two trees with the same content, whatever their timestamps', async () => {
    await makeTree(join(work, 'a'));
    await makeTree(join(work, 'b'));
    await utimes(join(work, 'b/bin/tool'), 1, 1);
    const a = await hashTree(join(work, 'a'));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashTree(join(work, 'b'))).toBe(a);
  });

  it('ignores the metadata of the root folder itself', async () => {
    await makeTree(join(work, 'a'));
    const before = await hashTree(join(work, 'a'));
    await chmod(join(work, 'a'), 0o700);
    expect(await hashTree(join(work, 'a'))).toBe(before);
  });

  const changes: Array<[string, (dir: string) => Promise<unknown>]> = [
    ['file content', (d) => writeFile(join(d, 'etc/passwd'), 'root:x:0:0::/:/bin/ash\n')],
    ['a mode bit', (d) => chmod(join(d, 'bin/tool'), 0o775)],
    ['the setuid bit', (d) => chmod(join(d, 'bin/tool'), 0o4755)],
    ['a folder mode', (d) => chmod(join(d, 'data'), 0o750)],
    ['a file owner', (d) => chown(join(d, 'etc/passwd'), 1000, 0)],
    ['a file group', (d) => chown(join(d, 'etc/passwd'), 0, 1000)],
    ['a symlink owner', (d) => lchown(join(d, 'bin/sh'), 1000, 1000)],
    ['a symlink target', async (d) => {
      await rm(join(d, 'bin/sh'));
      await symlink('./tool', join(d, 'bin/sh'));
    }],
    ['a symlink replaced by a copy of its target', async (d) => {
      await rm(join(d, 'bin/sh'));
      await writeFile(join(d, 'bin/sh'), '#!/bin/sh\necho hi\n');
      await chmod(join(d, 'bin/sh'), 0o755);
    }],
    ['a file name', async (d) => {
      await rm(join(d, 'data/secret'));
      await writeFile(join(d, 'data/secreT'), 'x');
      await chown(join(d, 'data/secreT'), 1000, 1000);
    }],
    ['an empty folder added', (d) => mkdir(join(d, 'proc'))],
    ['an empty file added', (d) => writeFile(join(d, 'etc/empty'), '')],
  ];
  it.each(changes)('changes with %s', async (_what, change) => {
    await makeTree(join(work, 'a'));
    const before = await hashTree(join(work, 'a'));
    await change(join(work, 'a'));
    expect(await hashTree(join(work, 'a'))).not.toBe(before);
  });

  it('tells a file x holding "y" from a folder x holding an empty file y', async () => {
    await mkdir(join(work, 'a'));
    await writeFile(join(work, 'a/x'), 'y');
    await mkdir(join(work, 'b/x'), { recursive: true });
    await writeFile(join(work, 'b/x/y'), '');
    expect(await hashTree(join(work, 'a'))).not.toBe(await hashTree(join(work, 'b')));
  });

  it('survives a tar round trip and a cpio (newc, as in an initramfs) round trip', async () => {
    const src = join(work, 'src');
    await makeTree(src);
    const expected = await hashTree(src);

    await mkdir(join(work, 'from-tar'));
    const tar = execFileSync('tar', ['--sort=name', '--numeric-owner', '-C', src, '-c', '.']);
    execFileSync('tar', ['--numeric-owner', '-C', join(work, 'from-tar'), '-x'], { input: tar });
    expect(await hashTree(join(work, 'from-tar'))).toBe(expected);

    await mkdir(join(work, 'from-cpio'));
    const list = execFileSync('find', ['.', '-mindepth', '1'], { cwd: src });
    const cpio = execFileSync('cpio', ['--quiet', '-o', '-H', 'newc'], { cwd: src, input: list });
    execFileSync('cpio', ['--quiet', '-i', '-d', '--no-absolute-filenames'], { cwd: join(work, 'from-cpio'), input: cpio });
    expect(await hashTree(join(work, 'from-cpio'))).toBe(expected);
  });

  it('refuses a tree holding a socket, which no archive can carry', async () => {
    const dir = join(work, 's');
    await mkdir(dir);
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'sock'), resolve));
    try {
      await expect(hashTree(dir)).rejects.toThrow(/socket cannot be archived/);
    } finally {
      server.close();
    }
  });
});

describe('followPath', () => {
  it('resolves absolute and relative symlinks and `..` inside the root, never above it', async () => {
    const root = join(work, 'root');
    await mkdir(join(root, 'lib/x86_64-linux-gnu'), { recursive: true });
    await mkdir(join(root, 'lib64'));
    await writeFile(join(root, 'lib/x86_64-linux-gnu/ld.so'), '');
    await symlink('/lib/x86_64-linux-gnu/ld.so', join(root, 'lib64/ld.so'));
    await symlink('../../../../lib64', join(root, 'lib/x86_64-linux-gnu/up'));
    const seen: string[] = [];
    expect(await followPath(root, '/lib64/ld.so', async (p) => void seen.push(p))).toBe('/lib/x86_64-linux-gnu/ld.so');
    expect(seen).toEqual(['/lib64', '/lib64/ld.so', '/lib', '/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu/ld.so']);
    expect(await followPath(root, '/lib/x86_64-linux-gnu/up/ld.so')).toBe('/lib/x86_64-linux-gnu/ld.so');
  });

  it('says which component is missing, and stops symlink loops', async () => {
    const root = join(work, 'root');
    await mkdir(join(root, 'a'), { recursive: true });
    await symlink('/b', join(root, 'a/loop'));
    await symlink('/a/loop', join(root, 'b'));
    await expect(followPath(root, '/a/missing/file')).rejects.toThrow('/a/missing does not exist');
    await expect(followPath(root, '/a/loop')).rejects.toThrow(/too many levels of symbolic links/);
  });
});

describe('TreeCopier', () => {
  it('copies kept paths with their symlinks as symlinks, the link targets, modes and owners', async () => {
    const from = join(work, 'from');
    await makeTree(from);
    await mkdir(join(from, 'unrelated'));
    await writeFile(join(from, 'unrelated/file'), 'not kept');
    const to = join(work, 'to');
    await mkdir(to);
    const copier = new TreeCopier(from, to);
    await copier.copy('/bin/sh');
    await copier.copy('/etc/users');
    await copier.copy('/data');

    expect(await readlink(join(to, 'bin/sh'))).toBe('tool');
    expect(await readFile(join(to, 'bin/tool'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect((await lstat(join(to, 'bin/tool'))).mode & 0o7777).toBe(0o755);
    expect(await readlink(join(to, 'etc/users'))).toBe('/etc/passwd');
    expect(await readFile(join(to, 'etc/passwd'), 'utf8')).toContain('root');
    const data = await lstat(join(to, 'data'));
    expect([data.uid, data.gid, data.mode & 0o7777]).toEqual([1000, 1000, 0o700]);
    expect((await lstat(join(to, 'data/secret'))).uid).toBe(1000);
    await expect(lstat(join(to, 'unrelated'))).rejects.toThrow(/ENOENT/);
    expect(copier.files.sort()).toEqual(['/bin/tool', '/data/secret', '/etc/passwd']);
  });
});

describe('ELF inspection', () => {
  it('tells dynamic executables from static-pie ones and from non-ELF files', async () => {
    expect(await readElf('/bin/ls')).toEqual({ dynamic: true, interpreter: '/lib64/ld-linux-x86-64.so.2' });
    // Debian's ldconfig is static-pie: a dynamic section for self-relocation, but no loader and no libraries.
    expect(await readElf('/sbin/ldconfig')).toEqual({ dynamic: false, interpreter: undefined });
    expect(await readElf('/etc/passwd')).toBeUndefined();
  });

  it('reads the paths of `ld.so --list` and names a library that is not found', () => {
    const output = [
      '\tlinux-vdso.so.1 (0x00007ffd4b5f2000)',
      '\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x00007f0e1c3a0000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f0e1c5c0000)',
    ].join('\n');
    expect(parseLoaderList(output, '/usr/bin/x')).toEqual(['/lib/x86_64-linux-gnu/libm.so.6', '/lib64/ld-linux-x86-64.so.2']);
    expect(() => parseLoaderList('\tlibLLVM-14.so.1 => not found\n', '/usr/lib/postgresql/15/lib/llvmjit.so')).toThrow(
      '/usr/lib/postgresql/15/lib/llvmjit.so needs libLLVM-14.so.1, which no downloaded package provides',
    );
  });
});
