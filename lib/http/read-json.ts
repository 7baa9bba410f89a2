import type { z } from "zod";
import { AppError } from "./errors";

const DEFAULT_MAX_BYTES = 64 * 1024;

/** Reads a bounded request body as text (the raw body is what webhook signatures cover). */
export async function readBody(req: Request, maxBytes = DEFAULT_MAX_BYTES): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new AppError("payload_too_large", `Request body is larger than ${maxBytes} bytes.`);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Not awaited: the body of a clone (readInngestBody) is one branch of a tee, whose cancel settles only
      // once the other branch is cancelled too, so awaiting it would never answer 413.
      void reader.cancel().catch(() => {});
      throw new AppError("payload_too_large", `Request body is larger than ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function parseJson<T extends z.ZodType>(text: string, schema: T): z.infer<T> {
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    throw new AppError("bad_request", "Request body is not valid JSON.");
  }
  return schema.parse(data);
}

/** Bounded body → JSON → zod. Errors map to 400/413/422 through handleApiError. */
export async function readJson<T extends z.ZodType>(req: Request, schema: T, maxBytes?: number): Promise<z.infer<T>> {
  return parseJson(await readBody(req, maxBytes), schema);
}
