/** A trial that failed for a reason worth reporting (probe timeout, kernel panic, ...). */
export class TrialFailure extends Error {
  override name = 'TrialFailure';
  constructor(
    message: string,
    readonly consoleTail?: string,
  ) {
    super(message);
  }
}
