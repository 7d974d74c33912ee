import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O & typeof HELP; strict: true; allowPositionals: true }>>;

const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

/** The options several commands share. */
export const CONFIG_OPTION = { config: { type: 'string' } } as const;
export const NO_INSTALL_OPTION = { 'no-install': { type: 'boolean', default: false } } as const;
/** What a run measures: `run` and `ab` take them. */
export const SELECTION_OPTIONS = {
  suite: { type: 'string' },
  runner: { type: 'string' },
  workload: { type: 'string' },
  trials: { type: 'string' },
  quick: { type: 'boolean', default: false },
} as const;

/** An option the command does not take: one sentence, exit code 2. */
export class OptionError extends Error {
  override name = 'OptionError';
}

/** A subcommand: its own options (and `--help`), and what it does with them. */
export interface Command {
  readonly name: string;
  /** Parses `args` with the command's options only; `help`: the line asks for the usage (the caller prints it). */
  parse(args: string[]): { help: boolean; run: () => Promise<number> };
}

export function defineCommand<const O extends Options>(
  name: string,
  options: O,
  run: (values: Parsed<O>['values'], positionals: string[]) => Promise<number>,
  { positionals = false } = {},
): Command {
  const all = { ...options, ...HELP };
  return {
    name,
    parse(args) {
      // Tokens first: `--help` anywhere wins, and an option the command does not take is refused by name before
      // parseArgs reads its value as a positional.
      const { tokens } = parseArgs({ args, options: all, strict: false, allowPositionals: true, tokens: true });
      const given = tokens.flatMap((t) => (t.kind === 'option' ? [t] : []));
      if (given.some((t) => t.name === 'help')) return { help: true, run: async () => 0 };
      const foreign = given.find((t) => !(t.name in all));
      if (foreign) throw new OptionError(refusal(name, foreign.rawName, Object.keys(options)));
      const parsed = parseArgs({ args, options: all, strict: true, allowPositionals: positionals }) as Parsed<O>;
      return { help: false, run: () => run(parsed.values, parsed.positionals) };
    },
  };
}

function refusal(command: string, option: string, own: string[]): string {
  const takes = own.length ? `its options are ${own.map((o) => `--${o}`).join(', ')}` : 'it takes no options';
  return `${command} does not take ${option}: ${takes} (isobench --help)`;
}

/** A comma-separated list of names from `allowed`; undefined when the option was not given. */
export function list<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item as T)) throw new UsageError(`${flag}: unknown "${item}"; allowed: ${allowed.join(', ')}`);
  }
  if (!items.length) throw new UsageError(`${flag}: give at least one of ${allowed.join(', ')}`);
  return items as T[];
}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: expected a whole number ≥ 1, got "${value}"`);
  return n;
}

/** A value the command cannot do without. */
export function required(command: string, value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${command} needs ${flag}`);
  return value;
}
