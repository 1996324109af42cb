/** Building the runner image failed: the message says what to do; `details` holds the failing command's last output lines. */
export class RunnerImageError extends Error {
  override name = 'RunnerImageError';
  constructor(
    message: string,
    readonly details?: string,
  ) {
    super(message);
  }
}
