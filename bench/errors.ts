/** The bench's failures, each with a stable `code`. */
export class BenchError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A BENCH_* variable or a flag is wrong. */
export class BenchConfigError extends BenchError {
  constructor(message: string) {
    super('BENCH_CONFIG_INVALID', message);
  }
}

/** benchmark_app failed or wrote no report. */
export class CeilingError extends BenchError {
  constructor(message: string, options?: ErrorOptions) {
    super('BENCH_CEILING_FAILED', message, options);
  }
}

/** A server under test exited or was not ready in time. */
export class ServerStartError extends BenchError {
  constructor(message: string) {
    super('BENCH_SERVER_START_FAILED', message);
  }
}

/** A server under test answered a classification with something other than a prediction. */
export class UnexpectedAnswerError extends BenchError {
  constructor(message: string) {
    super('BENCH_UNEXPECTED_ANSWER', message);
  }
}
