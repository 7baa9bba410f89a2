import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { env } from "@/lib/env";
import { ERROR_STATUS, type TErrorCode } from "@/lib/http/errors";
import { OPERATIONS, type TAuth, type TOperation } from "./operations";

const ZError = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [TErrorCode, ...TErrorCode[]]),
      message: z.string().meta({ description: "For people: what went wrong and what to do." }),
    }),
  })
  .meta({ id: "Error", description: "Every error the API answers has this shape." });

/** What each kind of caller may be refused with, beyond the operation's own errors. */
const AUTH_ERRORS: Record<TAuth, TErrorCode[]> = {
  user: ["unauthorized", "forbidden", "rate_limited"],
  "signed-in": ["unauthorized", "forbidden"],
  public: [],
  "signed-url": [],
  recorder: ["unauthorized"],
  livekit: ["unauthorized"],
  runner: ["unauthorized"],
};

const AUTH_TEXT: Record<TAuth, string> = {
  user: "Signed in, or an API token (`Authorization: Bearer cs_…`; a read token may only GET).",
  "signed-in": "Signed in (session cookie) only: API tokens cannot manage tokens.",
  public: "No authentication.",
  "signed-url": "The signed URL itself (`exp`, `sig`), as other answers give it.",
  recorder: "The recorder's HMAC signature (RECORDER_SECRET).",
  livekit: "LiveKit's signed webhook token.",
  runner: "The job engine's signature (INNGEST_SIGNING_KEY or the embedded runner's).",
};

const SECURITY: Partial<Record<TAuth, Record<string, string[]>[]>> = {
  user: [{ bearerAuth: [] }, { sessionCookie: [] }],
  "signed-in": [{ sessionCookie: [] }],
};

/** `/api/clips/[id]` → `/api/clips/{id}`; `[...key]` → `{key}`. */
export function openApiPath(pattern: string): string {
  return pattern.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, "{$1}");
}

function pathParams(pattern: string) {
  const names = [...pattern.matchAll(/\[(?:\.\.\.)?([^\]]+)\]/g)].map((m) => m[1]);
  if (!names.length) return undefined;
  return z.object(Object.fromEntries(names.map((n) => [n, z.string().min(1)])));
}

function operation(pattern: string, method: string, op: TOperation): ZodOpenApiOperationObject {
  const codes = [...new Set([...op.errors, ...AUTH_ERRORS[op.auth]])];
  const byStatus = new Map<number, TErrorCode[]>();
  for (const c of codes) byStatus.set(ERROR_STATUS[c], [...(byStatus.get(ERROR_STATUS[c]) ?? []), c]);
  const responses: ZodOpenApiOperationObject["responses"] = {
    [`${op.ok.status}` as `2${string}`]: {
      description: op.ok.description,
      ...(op.ok.status !== 204 && method !== "HEAD"
        ? {
            content: {
              [op.ok.type ?? "application/json"]: {
                schema: op.ok.type && op.ok.type !== "application/json" ? z.string() : z.unknown(),
              },
            },
          }
        : {}),
    },
  };
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    responses[`${status}` as `4${string}`] = {
      description: `Error: ${list.map((c) => `\`${c}\``).join(", ")}.`,
      content: { "application/json": { schema: ZError } },
    };
  }
  const path = pathParams(pattern);
  return {
    operationId: `${method.toLowerCase()}${openApiPath(pattern)
      .replace(/^\/api/, "")
      .replace(/[{}]/g, "")
      .split(/[/.\-]/)
      .filter(Boolean)
      .map((p) => p[0].toUpperCase() + p.slice(1))
      .join("")}`,
    tags: [op.tag],
    summary: op.summary,
    description: [op.description, `**Authentication**: ${AUTH_TEXT[op.auth]}`].filter(Boolean).join("\n\n"),
    ...(SECURITY[op.auth] ? { security: SECURITY[op.auth] } : { security: [] }),
    ...(path || op.query
      ? { requestParams: { ...(path ? { path } : {}), ...(op.query ? { query: op.query } : {}) } }
      : {}),
    ...(op.body
      ? { requestBody: { required: true, content: { "application/json": { schema: op.body } } } }
      : op.bodyType
        ? { requestBody: { content: { [op.bodyType]: { schema: z.string() } } } }
        : {}),
    responses,
  };
}

let cached: ReturnType<typeof createDocument> | null = null;

/** The OpenAPI 3.1 document of every operation in OPERATIONS, built once per process. */
export function openApiDocument() {
  if (cached) return cached;
  const paths: ZodOpenApiPathsObject = {};
  for (const [key, op] of Object.entries(OPERATIONS)) {
    const [method, pattern] = key.split(" ");
    const p = openApiPath(pattern);
    paths[p] = { ...paths[p], [method.toLowerCase()]: operation(pattern, method, op) };
  }
  cached = createDocument({
    openapi: "3.1.0",
    info: {
      title: "Clipstream API",
      version: "1",
      description:
        "Clip live streams while they are live. Every route takes the signed-in session cookie or a personal API " +
        "token (Settings → API tokens) as `Authorization: Bearer cs_…`. Errors are `{ error: { code, message } }`.",
    },
    servers: [{ url: env.APP_URL }],
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "A personal API token (`cs_…`)." },
        sessionCookie: { type: "apiKey", in: "cookie", name: "better-auth.session_token" },
      },
    },
    paths,
  });
  return cached;
}
