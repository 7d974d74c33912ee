import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * The nice value the harness takes for work it must do promptly while hundreds of instances it started keep every
 * core busy (idle TCG guests still cost CPU): without it the harness is one runnable thread among hundreds, and a
 * sweep or a stop that needs a few ms of CPU per instance takes minutes. Only root may lower a nice value.
 */
export const PROMPT_NICE = -10;

/** How the harness's priority was set for a piece of work, for the cell's label. */
export interface PriorityNote {
  raised: boolean;
  text: string;
}

/** This process's threads: on Linux a nice value belongs to one thread, and libuv's pool reads the /proc files. */
function threadIds(): number[] {
  return readdirSync('/proc/self/task').map(Number);
}

/**
 * Runs `work` with every thread of this process at PROMPT_NICE, and puts each back as it was afterwards (also when
 * `work` fails). Processes spawned meanwhile would inherit the raised priority: `work` must start none.
 */
export async function withPromptPriority<T>(work: () => Promise<T>): Promise<{ result: T; priority: PriorityNote }> {
  const before = new Map<number, number>();
  let refused: string | undefined;
  for (const tid of threadIds()) {
    try {
      const nice = getPriority(tid);
      if (nice <= PROMPT_NICE) continue;
      setPriority(tid, PROMPT_NICE);
      before.set(tid, nice);
    } catch (error) {
      // A thread that ended meanwhile is no matter; a refusal (not root) leaves the priority as it was.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') refused ??= (error as Error).message;
    }
  }
  try {
    const result = await work();
    const priority = refused
      ? { raised: false, text: `harness priority left as it was (nice ${PROMPT_NICE} was refused: ${refused}; run as root to raise it)` }
      : { raised: true, text: `harness at nice ${PROMPT_NICE} (its instances at their own priority)` };
    return { result, priority };
  } finally {
    for (const [tid, nice] of before) {
      try {
        setPriority(tid, nice);
      } catch {
        // The thread ended: nothing to put back.
      }
    }
  }
}
