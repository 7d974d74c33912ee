/**
 * The kernel command line and CPU model a Unikraft image is booted with, composed the way kraft does it:
 * library parameters, then `--`, then the application's arguments. Pure functions.
 */

/**
 * QEMU user networking always gives the guest 10.0.2.15 behind the gateway 10.0.2.2. Setting the address
 * statically matters for cold start: without it lwIP asks DHCP and the first response comes about 2 s later.
 */
export const NETDEV_IP_PARAM = 'netdev.ip=10.0.2.15/24:10.0.2.2';

/** What kraft adds when the image takes its root filesystem from the initrd: extract the cpio into a ramfs at `/`. */
export const INITRD_ROOT_PARAM = 'vfs.fstab=[ "initrd0:/:extract:::" ]';

export interface UnikraftCmdlineInput {
  /** Library parameters from the image config, placed after the ones composed here. */
  libParams: string[];
  appArgs: string[];
  env: Record<string, string>;
  /** The image mounts its root from the initrd it is given. */
  rootFromInitrd: boolean;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLAIN_WORD = /^[^\s'"]+$/;

export class CmdlineError extends Error {
  override name = 'CmdlineError';
}

/**
 * One argument as Unikraft's argument parser (ukargparse) reads it back: it splits at white space, and a `"` or
 * `'` opens a quote that the same character closes, with no escapes. So a `"` is carried inside single quotes
 * and everything else inside double quotes; adjacent quoted pieces join into one argument. `always` quotes plain
 * words too, as kraft writes `env.vars` entries.
 */
export function quoteArg(arg: string, { always = false } = {}): string {
  // An empty argument cannot be carried: ukargparse drops `""` without starting an argument.
  if (arg === '') throw new CmdlineError('an empty argument cannot be passed on a Unikraft command line');
  if (PLAIN_WORD.test(arg)) return always ? `"${arg}"` : arg;
  return arg
    .split('"')
    .map((piece) => (piece === '' ? '' : `"${piece}"`))
    .join(`'"'`);
}

function hasParam(libParams: string[], ...names: string[]): boolean {
  return libParams.some((p) => names.some((name) => p.startsWith(`${name}=`)));
}

/**
 * `-append` for a Unikraft image: static guest address, root from the initrd, environment, the image's own
 * library parameters, `--`, application arguments. A parameter the image config sets itself is not added twice.
 */
export function unikraftCmdline(input: UnikraftCmdlineInput): string {
  const { libParams } = input;
  const empty = input.appArgs.indexOf('');
  if (empty >= 0) {
    throw new CmdlineError(
      `application argument ${empty + 1} of ${JSON.stringify(input.appArgs)} is empty, which a Unikraft command line ` +
        'cannot carry (its parser drops ""): set appArgs without it',
    );
  }
  const params: string[] = [];
  if (!hasParam(libParams, 'netdev.ip', 'netdev.ipv4_addr')) params.push(NETDEV_IP_PARAM);
  if (input.rootFromInitrd && !hasParam(libParams, 'vfs.fstab')) params.push(INITRD_ROOT_PARAM);
  const env = Object.entries(input.env);
  if (env.length > 0) {
    if (hasParam(libParams, 'env.vars')) {
      throw new CmdlineError('the environment is set twice, in env and as env.vars in libParams: keep one of them');
    }
    for (const [name] of env) {
      if (!ENV_NAME.test(name)) throw new CmdlineError(`environment variable name "${name}" is not valid: use letters, digits and _`);
    }
    params.push(`env.vars=[ ${env.map(([name, value]) => quoteArg(`${name}=${value}`, { always: true })).join(' ')} ]`);
  }
  params.push(...libParams);
  return [...params, '--', ...input.appArgs.map((arg) => quoteArg(arg))].join(' ');
}

/**
 * The CPU model kraft gives a Unikraft guest. Under TCG, QEMU leaves out the features it cannot emulate (and
 * says so on stderr): RDSEED among them, which is why images with a hardware RNG fail there.
 */
export function unikraftCpu(accel: 'kvm' | 'tcg'): string {
  return accel === 'kvm' ? 'host,+x2apic,-pmu' : 'qemu64,+pdpe1gb,+rdrand,+rdseed,-vmx,-svm';
}
