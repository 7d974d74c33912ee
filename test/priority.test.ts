import { getPriority } from 'node:os';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROMPT_NICE, withPromptPriority } from '../core/priority.ts';

const niceOfThreads = () => readdirSync('/proc/self/task').map((tid) => getPriority(Number(tid)));
const isRoot = process.getuid?.() === 0;

describe('withPromptPriority', () => {
  it.runIf(isRoot)('raises every thread of the harness for the work, and puts each back after, also on failure', async () => {
    const before = niceOfThreads();
    expect(before.every((n) => n > PROMPT_NICE)).toBe(true);
    const { result, priority } = await withPromptPriority(async () => niceOfThreads());
    expect(result.every((n) => n === PROMPT_NICE)).toBe(true);
    expect(priority).toEqual({ raised: true, text: expect.stringContaining(`nice ${PROMPT_NICE}`) });
    expect(niceOfThreads()).toEqual(before);

    await expect(withPromptPriority(async () => Promise.reject(new Error('work failed')))).rejects.toThrow('work failed');
    expect(niceOfThreads()).toEqual(before);
  });
});
