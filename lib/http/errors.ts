import { ZodError } from "zod";

export type TErrorCode =
  | "bad_request"
  | "invalid_input"
  | "unauthorized"
  | "forbidden"
  | "quota_exceeded"
  | "not_found"
  | "conflict"
  | "not_live"
  | "already_recording"
  | "not_recording"
  | "stale_lease"
  | "payload_too_large"
  | "rate_limited"
  | "unavailable"
  | "internal";

/** The HTTP status of each code (the OpenAPI document lists the same). */
export const ERROR_STATUS: Record<TErrorCode, number> = {
  bad_request: 400,
  invalid_input: 422,
  unauthorized: 401,
  forbidden: 403,
  quota_exceeded: 403,
  not_found: 404,
  conflict: 409,
  not_live: 409,
  already_recording: 409,
  not_recording: 409,
  stale_lease: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** The one error type the API maps to `{ error: { code, message } }`. */
export class AppError extends Error {
  constructor(
    public readonly code: TErrorCode,
    message: string,
    /** Headers the answer carries (Retry-After on a 429). */
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function errorBody(code: TErrorCode, message: string) {
  return { error: { code, message } };
}

function zodMessage(err: ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

/** Maps any thrown value to a JSON response; internal details never reach the client. */
export function handleApiError(err: unknown): Response {
  if (err instanceof AppError) {
    return Response.json(errorBody(err.code, err.message), { status: err.status, headers: err.headers });
  }
  if (err instanceof ZodError) return Response.json(errorBody("invalid_input", zodMessage(err)), { status: 422 });
  console.error("[api] unhandled error", err);
  return Response.json(errorBody("internal", "Something went wrong on our side."), { status: 500 });
}
