/**
 * Matrix client-server API errors (spec v1.x, "Standard error response"): every failure is JSON
 * `{ errcode, error }` with an `M_*` code and an HTTP status.
 */
export class MatrixError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { errcode: this.errcode, error: this.message, ...this.extra };
  }
}

export const forbidden = (msg: string): MatrixError => new MatrixError(403, 'M_FORBIDDEN', msg);
export const notFound = (msg: string): MatrixError => new MatrixError(404, 'M_NOT_FOUND', msg);
export const badJson = (msg: string): MatrixError => new MatrixError(400, 'M_BAD_JSON', msg);
export const missingParam = (name: string): MatrixError => new MatrixError(400, 'M_MISSING_PARAM', `missing parameter: ${name}`);
export const invalidParam = (msg: string): MatrixError => new MatrixError(400, 'M_INVALID_PARAM', msg);
export const unrecognized = (status: 404 | 405, msg: string): MatrixError => new MatrixError(status, 'M_UNRECOGNIZED', msg);
