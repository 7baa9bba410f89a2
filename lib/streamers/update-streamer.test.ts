import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { handleApiError } from "@/lib/http/errors";
import { parseJson } from "@/lib/http/read-json";
import { updateStreamer, ZUpdateStreamer } from "./streamers";

/** What PATCH /api/streamers/[id] does, minus auth: body → zod → update, errors → the API's JSON. */
async function patch(userId: string, id: string, body: string): Promise<{ status: number; json: unknown }> {
  try {
    const streamer = await updateStreamer(userId, id, parseJson(body, ZUpdateStreamer));
    return { status: 200, json: { streamer } };
  } catch (err) {
    const res = handleApiError(err);
    return { status: res.status, json: await res.json() };
  }
}

async function seed() {
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const user = await prisma.user.create({ data: { id: `us-${stamp}`, name: "U", email: `us-${stamp}@example.com` } });
  const other = await prisma.user.create({ data: { id: `uo-${stamp}`, name: "O", email: `uo-${stamp}@example.com` } });
  const streamer = await prisma.streamer.create({
    data: { userId: user.id, name: "S", kind: "URL", source: `https://example.com/${stamp}.m3u8`, monitored: false },
  });
  return { user, other, streamer };
}

describe("streamer clip settings (PATCH /api/streamers/[id])", () => {
  it("stores a preset length range, keywords, minimum score and a custom prompt; an empty prompt clears it", async () => {
    const { user, streamer } = await seed();
    const res = await patch(
      user.id,
      streamer.id,
      JSON.stringify({
        minClipSeconds: 30,
        maxClipSeconds: 90,
        minScore: 65,
        keywords: ["clutch"],
        customPrompt: "  Clip boss fights and jokes about the chat.  ",
      }),
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      streamer: {
        minClipSeconds: 30,
        maxClipSeconds: 90,
        minScore: 65,
        keywords: ["clutch"],
        customPrompt: "Clip boss fights and jokes about the chat.",
      },
    });
    const long = await patch(user.id, streamer.id, JSON.stringify({ maxClipSeconds: 180 }));
    expect(long.json).toMatchObject({ streamer: { minClipSeconds: 30, maxClipSeconds: 180 } });
    const cleared = await patch(user.id, streamer.id, JSON.stringify({ customPrompt: "" }));
    expect(cleared.json).toMatchObject({ streamer: { customPrompt: null } });
  });

  it.each([
    [
      "min above max",
      { minClipSeconds: 90, maxClipSeconds: 60 },
      422,
      "invalid_input",
      "minClipSeconds must not exceed maxClipSeconds.",
    ],
    [
      "max above 180 s",
      { maxClipSeconds: 181 },
      422,
      "invalid_input",
      "maxClipSeconds: Too big: expected number to be <=180",
    ],
    [
      "min below 5 s",
      { minClipSeconds: 2 },
      422,
      "invalid_input",
      "minClipSeconds: Too small: expected number to be >=5",
    ],
    ["score above 100", { minScore: 101 }, 422, "invalid_input", "minScore: Too big: expected number to be <=100"],
    [
      "prompt too long",
      { customPrompt: "x".repeat(1001) },
      422,
      "invalid_input",
      "customPrompt: Too big: expected string to have <=1000 characters",
    ],
    [
      "prompt not a string",
      { customPrompt: 5 },
      422,
      "invalid_input",
      "customPrompt: Invalid input: expected string, received number",
    ],
    ["unknown field", { prompt: "x" }, 422, "invalid_input", 'Unrecognized key: "prompt"'],
  ])("rejects %s with an exact error body and stores nothing", async (_name, body, status, code, message) => {
    const { user, streamer } = await seed();
    const res = await patch(user.id, streamer.id, JSON.stringify(body));
    expect(res).toEqual({ status, json: { error: { code, message } } });
    const after = await prisma.streamer.findUniqueOrThrow({ where: { id: streamer.id } });
    expect([after.minClipSeconds, after.maxClipSeconds, after.minScore, after.customPrompt]).toEqual([
      15,
      60,
      40,
      null,
    ]);
  });

  it("rejects malformed JSON and another user's streamer", async () => {
    const { user, other, streamer } = await seed();
    expect(await patch(user.id, streamer.id, "{")).toEqual({
      status: 400,
      json: { error: { code: "bad_request", message: "Request body is not valid JSON." } },
    });
    expect(await patch(other.id, streamer.id, JSON.stringify({ customPrompt: "mine now" }))).toEqual({
      status: 404,
      json: { error: { code: "not_found", message: "Streamer not found." } },
    });
    expect((await prisma.streamer.findUniqueOrThrow({ where: { id: streamer.id } })).customPrompt).toBeNull();
  });
});
