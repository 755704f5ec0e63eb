/**
 * The one error base: `code` names the failure for logs and tests, `retryable` tells the
 * queue lib whether BullMQ may try again (it is translated to UnrecoverableError there).
 */
export class AppError extends Error {
  override readonly name: string = "AppError";
  readonly code: string;
  readonly retryable: boolean;

  constructor(
    code: string,
    message: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
