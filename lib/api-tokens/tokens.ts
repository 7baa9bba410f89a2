import crypto from "node:crypto";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";

/** Every token starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = "cs_";
/** Tokens one account may hold at once. */
export const MAX_TOKENS_PER_USER = 50;
const WINDOW_SECONDS = 60;

export type TTokenScope = "read" | "write";

export const ZCreateToken = z
  .object({
    name: z.string().trim().min(1, "Name the token.").max(60),
    scope: z.enum(["read", "write"]),
    /** Days until it stops working; null: never. */
    expiresInDays: z.number().int().min(1).max(365).nullable().default(null),
  })
  .strict();
export type TCreateToken = z.input<typeof ZCreateToken>;

/** A token as its owner sees it in Settings (never the secret). */
export type TApiToken = {
  id: string;
  name: string;
  scope: TTokenScope;
  hint: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  expired: boolean;
};

/** A request's caller, from a valid token. */
export type TTokenCaller = { tokenId: string; scope: TTokenScope; user: { id: string; email: string; name: string } };

/** SHA-256 of the secret, hex. The secret carries 256 random bits, so a fast hash is as safe as a slow one. */
export function hashToken(secret: string): string {
  return crypto.createHash("sha256").update(secret).digest("hex");
}

export function newTokenSecret(): string {
  return TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
}

const hintOf = (secret: string) => `${secret.slice(0, 6)}…${secret.slice(-4)}`;

const scopeOut = (s: "READ" | "WRITE"): TTokenScope => (s === "WRITE" ? "write" : "read");

function present(t: {
  id: string;
  name: string;
  scope: "READ" | "WRITE";
  hint: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}): TApiToken {
  return {
    id: t.id,
    name: t.name,
    scope: scopeOut(t.scope),
    hint: t.hint,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    expired: t.expiresAt !== null && t.expiresAt.getTime() <= Date.now(),
  };
}

/** Creates a token; the answer is the only time its secret is ever shown. */
export async function createToken(
  userId: string,
  input: TCreateToken,
  now = new Date(),
): Promise<{ token: TApiToken; secret: string }> {
  const { name, scope, expiresInDays } = ZCreateToken.parse(input);
  if ((await prisma.apiToken.count({ where: { userId } })) >= MAX_TOKENS_PER_USER) {
    throw new AppError("quota_exceeded", `At most ${MAX_TOKENS_PER_USER} API tokens per account: revoke one first.`);
  }
  const secret = newTokenSecret();
  const row = await prisma.apiToken.create({
    data: {
      userId,
      name,
      scope: scope === "write" ? "WRITE" : "READ",
      hash: hashToken(secret),
      hint: hintOf(secret),
      windowStart: now,
      expiresAt: expiresInDays === null ? null : new Date(now.getTime() + expiresInDays * 86_400_000),
    },
  });
  return { token: present(row), secret };
}

export async function listTokens(userId: string): Promise<TApiToken[]> {
  const rows = await prisma.apiToken.findMany({ where: { userId }, orderBy: { createdAt: "desc" } });
  return rows.map(present);
}

/** Revoked at once: the next request with it is refused (tokens are looked up on every request, never cached). */
export async function revokeToken(userId: string, id: string): Promise<void> {
  const { count } = await prisma.apiToken.deleteMany({ where: { id, userId } });
  if (count === 0) throw new AppError("not_found", "Token not found.");
}

type TRow = {
  id: string;
  scope: "READ" | "WRITE";
  windowStart: Date;
  windowCount: number;
  userId: string;
  email: string;
  name: string;
};

/**
 * The caller of an `Authorization: Bearer <token>` header: one UPDATE finds the live token and its owner, counts
 * the request in the token's 60-s window (shared by every web process) and stamps lastUsedAt. Unknown, revoked or
 * expired → 401; past API_TOKEN_RATE_LIMIT requests in the window → 429 with Retry-After.
 */
export async function authenticateBearer(
  authorization: string,
  limit = env.API_TOKEN_RATE_LIMIT,
): Promise<TTokenCaller> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m) throw new AppError("unauthorized", "Send the API token as Authorization: Bearer <token>.");
  const secret = m[1];
  if (!secret.startsWith(TOKEN_PREFIX)) throw new AppError("unauthorized", "Invalid API token.");
  const hash = hashToken(secret);
  // Prisma's DateTime columns are UTC timestamps without a zone: compare them with UTC "now". A window that
  // started in the future (a clock moved back) starts again rather than counting forever.
  const newWindow = Prisma.sql`(t."windowStart" <= (now() AT TIME ZONE 'UTC') - make_interval(secs => ${WINDOW_SECONDS})
    OR t."windowStart" > (now() AT TIME ZONE 'UTC'))`;
  const rows = await prisma.$queryRaw<TRow[]>`
    UPDATE "ApiToken" t SET
      "windowStart" = CASE WHEN ${newWindow} THEN (now() AT TIME ZONE 'UTC') ELSE t."windowStart" END,
      "windowCount" = CASE WHEN ${newWindow} THEN 1 ELSE t."windowCount" + 1 END,
      "lastUsedAt" = (now() AT TIME ZONE 'UTC')
    FROM "user" u
    WHERE t.hash = ${hash} AND u.id = t."userId"
      AND (t."expiresAt" IS NULL OR t."expiresAt" > (now() AT TIME ZONE 'UTC'))
    RETURNING t.id, t.scope::text AS scope, t."windowStart", t."windowCount", u.id AS "userId", u.email, u.name`;
  const row = rows[0];
  if (!row) {
    const expired = await prisma.apiToken.findUnique({ where: { hash }, select: { expiresAt: true } });
    if (expired?.expiresAt) {
      throw new AppError(
        "unauthorized",
        `This API token expired on ${expired.expiresAt.toISOString().slice(0, 10)}: create a new one in Settings.`,
      );
    }
    throw new AppError("unauthorized", "Invalid API token.");
  }
  if (row.windowCount > limit) {
    const retryAfter = Math.max(1, Math.ceil((row.windowStart.getTime() + WINDOW_SECONDS * 1000 - Date.now()) / 1000));
    throw new AppError(
      "rate_limited",
      `This API token made more than ${limit} requests in a minute. Try again in ${retryAfter} s.`,
      { "retry-after": String(retryAfter) },
    );
  }
  return { tokenId: row.id, scope: scopeOut(row.scope), user: { id: row.userId, email: row.email, name: row.name } };
}
