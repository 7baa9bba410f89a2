import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { handleApiError } from "@/lib/http/errors";
import { parseJson } from "@/lib/http/read-json";
import { createStreamer, ZCreateStreamer } from "./streamers";

const MINT = "2qEHjDLDLbuBgRYvsxhc5D6uDWAivNFZGan56P1tpump";

/** What POST /api/streamers does, minus auth and the immediate check: body → zod → create, errors → JSON. */
async function post(userId: string, body: unknown): Promise<{ status: number; json: unknown }> {
  try {
    const streamer = await createStreamer(userId, parseJson(JSON.stringify(body), ZCreateStreamer));
    return { status: 201, json: { streamer } };
  } catch (err) {
    const res = handleApiError(err);
    return { status: res.status, json: await res.json() };
  }
}

const users: string[] = [];
async function seedUser() {
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const user = await prisma.user.create({ data: { id: `upf-${stamp}`, name: "U", email: `upf-${stamp}@example.com` } });
  users.push(user.id);
  return user;
}

// The database is shared: other test files' pollers must not check these coins against the real pump.fun.
afterAll(() => prisma.streamer.updateMany({ where: { userId: { in: users } }, data: { monitored: false } }));

describe("adding a pump.fun streamer (POST /api/streamers)", () => {
  it("stores a coin URL as kind PUMPFUN with the mint as source; the same coin as a bare mint is a duplicate", async () => {
    const user = await seedUser();
    const res = await post(user.id, { source: `https://pump.fun/coin/${MINT}?include-nsfw=true` });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      streamer: { kind: "PUMPFUN", source: MINT, name: "pump.fun 2qEHjD…", status: "OFFLINE" },
    });
    expect(await post(user.id, { source: MINT, name: "again" })).toEqual({
      status: 409,
      json: { error: { code: "conflict", message: "You already added this stream." } },
    });
    // Another user may follow the same coin.
    expect((await post((await seedUser()).id, { source: `pump.fun/${MINT}` })).status).toBe(201);
  });

  it.each([
    [`https://pump.fun/coin/${MINT.slice(0, 20)}`, "A pump.fun mint id is 32 to 44 characters long; this one has 20."],
    [
      "https://pump.fun/coin/0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl",
      "A pump.fun mint id uses base58 letters and digits only (no 0, O, I or l).",
    ],
    [
      "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
      "That mint id is not a valid Solana address (it does not decode to 32 bytes).",
    ],
  ])("rejects %j with an exact error body and stores nothing", async (source, message) => {
    const user = await seedUser();
    expect(await post(user.id, { source })).toEqual({
      status: 422,
      json: { error: { code: "invalid_input", message } },
    });
    expect(await prisma.streamer.count({ where: { userId: user.id } })).toBe(0);
  });
});
