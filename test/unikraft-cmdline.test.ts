import { describe, expect, it } from 'vitest';
import { CmdlineError, quoteArg, unikraftCmdline, unikraftCpu } from '../runners/unikraft/cmdline.ts';

/**
 * Unikraft's ukargparse, transcribed from lib/ukargparse/argparse.c: white space splits, `'` and `"` quote until
 * the same character, quotes are removed, nothing is escaped. Reading the composed line back through it checks
 * that every argument arrives as it was given.
 */
function ukargparse(line: string): string[] {
  const args: string[] = [];
  let current: string | undefined;
  let quote: string | undefined;
  for (const c of line) {
    if (!quote && /[ \t\r\n\v]/.test(c)) {
      if (current !== undefined) args.push(current);
      current = undefined;
    } else if (!quote && (c === '"' || c === "'")) {
      quote = c;
    } else if (quote === c) {
      quote = undefined;
    } else {
      current = (current ?? '') + c;
    }
  }
  if (current !== undefined) args.push(current);
  return args;
}

const base = { libParams: [], appArgs: [], env: {}, rootFromInitrd: false };

describe('unikraftCmdline', () => {
  it('puts the static address first and `--` before the application arguments, as measured', () => {
    expect(unikraftCmdline({ ...base, appArgs: ['-c', '/nginx/conf/nginx.conf'] })).toBe(
      'netdev.ip=10.0.2.15/24:10.0.2.2 -- -c /nginx/conf/nginx.conf',
    );
  });

  it('mounts the root from the initrd the way kraft does', () => {
    expect(unikraftCmdline({ ...base, rootFromInitrd: true, appArgs: ['/usr/sbin/nginx'] })).toBe(
      'netdev.ip=10.0.2.15/24:10.0.2.2 vfs.fstab=[ "initrd0:/:extract:::" ] -- /usr/sbin/nginx',
    );
  });

  it('passes the environment as env.vars, then the image library parameters', () => {
    const line = unikraftCmdline({ ...base, env: { TZ: 'Etc/UTC', GREETING: 'hello world' }, libParams: ['ukrandom.seed=1'] });
    expect(line).toBe('netdev.ip=10.0.2.15/24:10.0.2.2 env.vars=[ "TZ=Etc/UTC" "GREETING=hello world" ] ukrandom.seed=1 --');
    expect(ukargparse(line)).toEqual([
      'netdev.ip=10.0.2.15/24:10.0.2.2', 'env.vars=[', 'TZ=Etc/UTC', 'GREETING=hello world', ']', 'ukrandom.seed=1', '--',
    ]);
  });

  it("does not add what the image's own library parameters already set", () => {
    const line = unikraftCmdline({
      ...base,
      rootFromInitrd: true,
      libParams: ['netdev.ip=172.44.0.2/24:172.44.0.1', 'vfs.fstab=[ "initrd0:/:extract::ramfs=1:" ]'],
    });
    expect(line).toBe('netdev.ip=172.44.0.2/24:172.44.0.1 vfs.fstab=[ "initrd0:/:extract::ramfs=1:" ] --');
  });

  it('refuses the environment given twice', () => {
    expect(() => unikraftCmdline({ ...base, env: { A: '1' }, libParams: ['env.vars=[ "B=2" ]'] })).toThrow(
      /environment is set twice/,
    );
  });

  it('refuses an environment variable name the guest could not read back', () => {
    expect(() => unikraftCmdline({ ...base, env: { 'A B': '1' } })).toThrow(CmdlineError);
  });

  it('carries spaces and both kinds of quotes through ukargparse unchanged', () => {
    const args = ['-g', 'daemon off; error_log stderr;', `say "hi"`, "it's", '"', `mixed 'single' and "double"`];
    const line = unikraftCmdline({ ...base, appArgs: args });
    const parsed = ukargparse(line);
    expect(parsed.slice(parsed.indexOf('--') + 1)).toEqual(args);
  });

  it('refuses an empty argument, which ukargparse would drop', () => {
    expect(() => quoteArg('')).toThrow(/empty argument/);
    expect(() => unikraftCmdline({ ...base, appArgs: ['--save', ''] })).toThrow(
      'application argument 2 of ["--save",""] is empty, which a Unikraft command line cannot carry',
    );
  });
});

describe('unikraftCpu', () => {
  it("uses kraft's CPU models", () => {
    expect(unikraftCpu('tcg')).toBe('qemu64,+pdpe1gb,+rdrand,+rdseed,-vmx,-svm');
    expect(unikraftCpu('kvm')).toBe('host,+x2apic,-pmu');
  });
});
