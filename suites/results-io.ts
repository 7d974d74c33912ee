import { readFile } from 'node:fs/promises';
import { parseResults, ResultsFormatError, type Results } from './results.ts';

/** Reads and validates a results.json, with one clear message when it is missing or is not one. */
export async function readResults(path: string): Promise<Results> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ResultsFormatError(`${path}: cannot read results (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseResults(text, path);
}
