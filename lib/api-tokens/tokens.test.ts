/**
 * Personal API tokens on real PostgreSQL: the secret's form and hash, what is stored (never the secret),
 * scopes, expiry, revocation, and the per-token request window.
 */
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { AppError, handleApiError } from "@/lib/http/errors";

let prisma: (typeof import("@/lib/db"))["prisma"];
let t: typeof import("./tokens");

beforeAll(async () => {
  ({ prisma } = await import("@/lib/db"));
  t = await import("./tokens");
});

async function user() {
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  return prisma.user.create({ data: { id: `tok-${stamp}`, name: "Tok", email: `tok-${stamp}@example.com` } });
}

/** The AppError a call throws, as [code, message, headers]. */
async function refusal(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  return [e.code, e.message, e.headers ?? null] as const;
}

describe("API tokens", () => {
  it("a secret is cs_ and 256 random bits; only its SHA-256 and a hint are stored", async () => {
    const u = await user();
    const { token, secret } = await t.createToken(u.id, { name: " CI bot ", scope: "read" });
    expect(secret).toMatch(/^cs_[A-Za-z0-9_-]{43}$/);
    expect(t.hashToken(secret)).toBe(crypto.createHash("sha256").update(secret).digest("hex"));
    expect(token).toMatchObject({ name: "CI bot", scope: "read", expiresAt: null, lastUsedAt: null, expired: false });
    expect(token.hint).toBe(`${secret.slice(0, 6)}…${secret.slice(-4)}`);
    const row = await prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.hash).toBe(t.hashToken(secret));
    expect(JSON.stringify(row)).not.toContain(secret.slice(6, -4));
    expect(JSON.stringify(await t.listTokens(u.id))).not.toContain(secret.slice(6, -4));
    // Two tokens never share a secret.
    const other = await t.createToken(u.id, { name: "b", scope: "read" });
    expect(other.secret).not.toBe(secret);
  });

  it("authenticates its owner with its scope, and stamps lastUsedAt", async () => {
    const u = await user();
    const { token, secret } = await t.createToken(u.id, { name: "w", scope: "write", expiresInDays: 30 });
    const caller = await t.authenticateBearer(`Bearer ${secret}`);
    expect(caller).toEqual({ tokenId: token.id, scope: "write", user: { id: u.id, email: u.email, name: u.name } });
    expect((await t.authenticateBearer(`bearer   ${secret} `)).tokenId).toBe(token.id);
    const [listed] = await t.listTokens(u.id);
    expect(Math.abs(new Date(listed.lastUsedAt!).getTime() - Date.now())).toBeLessThan(5_000);
    expect(Math.abs(new Date(listed.expiresAt!).getTime() - (Date.now() + 30 * 86_400_000))).toBeLessThan(5_000);
  });

  it("refuses malformed, unknown, expired and revoked tokens with 401 and a clear message", async () => {
    const u = await user();
    const { token, secret } = await t.createToken(u.id, { name: "x", scope: "read" });
    const invalid = ["unauthorized", "Invalid API token.", null];
    expect(await refusal(t.authenticateBearer("Bearer"))).toEqual([
      "unauthorized",
      "Send the API token as Authorization: Bearer <token>.",
      null,
    ]);
    expect(await refusal(t.authenticateBearer("Bearer not-a-token"))).toEqual(invalid);
    expect(await refusal(t.authenticateBearer(`Bearer ${secret}x`))).toEqual(invalid);
    await prisma.apiToken.update({ where: { id: token.id }, data: { expiresAt: new Date("2026-01-02T00:00:00Z") } });
    expect(await refusal(t.authenticateBearer(`Bearer ${secret}`))).toEqual([
      "unauthorized",
      "This API token expired on 2026-01-02: create a new one in Settings.",
      null,
    ]);
    expect((await t.listTokens(u.id))[0]).toMatchObject({ id: token.id, expired: true });
    // An expired token is not counted as used.
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt).toBeNull();
    await t.revokeToken(u.id, token.id);
    expect(await refusal(t.authenticateBearer(`Bearer ${secret}`))).toEqual(invalid);
  });

  it("counts requests per token in a 60-s window: past the limit → 429 with Retry-After; another token is not affected", async () => {
    const u = await user();
    const a = await t.createToken(u.id, { name: "a", scope: "read" });
    const b = await t.createToken(u.id, { name: "b", scope: "read" });
    for (let i = 0; i < 3; i++) await t.authenticateBearer(`Bearer ${a.secret}`, 3);
    const [code, message, headers] = await refusal(t.authenticateBearer(`Bearer ${a.secret}`, 3));
    expect(code).toBe("rate_limited");
    expect(message).toMatch(/^This API token made more than 3 requests in a minute\. Try again in \d+ s\.$/);
    const retryAfter = Number(headers!["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(55);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await t.authenticateBearer(`Bearer ${b.secret}`, 3)).tokenId).toBe(b.token.id);
    // The window passes: counting starts again.
    await prisma.apiToken.update({
      where: { id: a.token.id },
      data: { windowStart: new Date(Date.now() - 61_000) },
    });
    expect((await t.authenticateBearer(`Bearer ${a.secret}`, 3)).tokenId).toBe(a.token.id);
    const row = await prisma.apiToken.findUniqueOrThrow({ where: { id: a.token.id } });
    expect(row.windowCount).toBe(1);
    // A window stamped in the future (a clock moved back) starts again too, rather than counting forever.
    await prisma.apiToken.update({
      where: { id: a.token.id },
      data: { windowStart: new Date(Date.now() + 3_600_000), windowCount: 99 },
    });
    expect((await t.authenticateBearer(`Bearer ${a.secret}`, 3)).tokenId).toBe(a.token.id);
  });

  it("validates names, scopes and expiry; caps tokens per account; revokes only its owner's", async () => {
    const u = await user();
    const v = await user();
    // As the route answers them (zod's errors become 422 invalid_input).
    const answer = async (p: Promise<unknown>) => {
      const res = handleApiError(
        await p.then(
          () => null,
          (e: unknown) => e,
        ),
      );
      return [res.status, await res.json()];
    };
    const invalid = (message: string) => [422, { error: { code: "invalid_input", message } }];
    expect(await answer(t.createToken(u.id, { name: "  ", scope: "read" }))).toEqual(invalid("name: Name the token."));
    expect(await answer(t.createToken(u.id, { name: "x", scope: "admin" as "read" }))).toEqual(
      invalid('scope: Invalid option: expected one of "read"|"write"'),
    );
    expect(await answer(t.createToken(u.id, { name: "x", scope: "read", expiresInDays: 0 }))).toEqual(
      invalid("expiresInDays: Too small: expected number to be >=1"),
    );
    expect(await prisma.apiToken.count({ where: { userId: u.id } })).toBe(0);
    const { token } = await t.createToken(u.id, { name: "mine", scope: "read" });
    expect(await refusal(t.revokeToken(v.id, token.id))).toEqual(["not_found", "Token not found.", null]);
    expect(await prisma.apiToken.count({ where: { id: token.id } })).toBe(1);
    await prisma.apiToken.createMany({
      data: Array.from({ length: t.MAX_TOKENS_PER_USER - 1 }, (_, i) => ({
        userId: u.id,
        name: `n${i}`,
        hash: `h-${u.id}-${i}`,
        hint: "h",
        scope: "READ" as const,
      })),
    });
    expect(await refusal(t.createToken(u.id, { name: "one more", scope: "read" }))).toEqual([
      "quota_exceeded",
      `At most ${t.MAX_TOKENS_PER_USER} API tokens per account: revoke one first.`,
      null,
    ]);
  });
});
