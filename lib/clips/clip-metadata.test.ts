/** A clip's metadata for other editors, on real PostgreSQL: range, words, captions as edited, exports' layout. */
import { beforeAll, describe, expect, it } from "vitest";

let prisma: (typeof import("@/lib/db"))["prisma"];
let m: typeof import("./clip-metadata");

beforeAll(async () => {
  ({ prisma } = await import("@/lib/db"));
  m = await import("./clip-metadata");
});

async function seed() {
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const user = await prisma.user.create({ data: { id: `md-${stamp}`, name: "M", email: `md-${stamp}@example.com` } });
  const streamer = await prisma.streamer.create({
    data: {
      userId: user.id,
      name: "Meta live",
      kind: "URL",
      source: `https://example.com/${stamp}.m3u8`,
      monitored: false,
    },
  });
  const session = await prisma.liveSession.create({
    data: {
      userId: user.id,
      streamerId: streamer.id,
      segmentSeconds: 30,
      status: "ENDED",
      startedAt: new Date("2026-12-01T20:00:00.000Z"),
    },
  });
  const segment = await prisma.segment.create({
    data: { userId: user.id, sessionId: session.id, number: 0, startOffset: 0, duration: 30, status: "DONE" },
  });
  await prisma.transcript.create({
    data: {
      segmentId: segment.id,
      userId: user.id,
      engine: "test",
      text: "before oh my god after",
      words: [
        { w: "before", s: 4, e: 4.5 },
        { w: "oh", s: 10.2, e: 10.5 },
        { w: "my", s: 10.6, e: 10.8 },
        { w: "god", s: 10.9, e: 11.4, c: 0.8 },
        { w: "after", s: 25, e: 25.5 },
      ],
    },
  });
  const clip = await prisma.clip.create({
    data: {
      userId: user.id,
      streamerId: streamer.id,
      sessionId: session.id,
      segmentId: segment.id,
      detectionKey: "md",
      startTime: 10,
      endTime: 20,
      title: "Oh my god",
      reason: "loud",
      score: 91,
      engine: "offline",
      status: "READY",
      captions: [{ start: 0.2, end: 1.4, text: "Oh my GOD!" }],
    },
  });
  await prisma.clipExport.create({
    data: {
      userId: user.id,
      clipId: clip.id,
      preset: "tiktok",
      layout: "crop",
      captionStyle: "boxed",
      status: "READY",
      width: 1080,
      height: 1920,
    },
  });
  await prisma.clipExport.create({
    data: {
      userId: user.id,
      clipId: clip.id,
      preset: "x_landscape",
      layout: "blur",
      captions: false,
      status: "PENDING",
    },
  });
  return { user, streamer, session, clip };
}

describe("clip metadata", () => {
  it("holds the stream range, the clip's words in clip time, the captions as edited and each export's layout", async () => {
    const { user, streamer, session, clip } = await seed();
    const md = await m.clipMetadata(user.id, clip.id);
    expect(md).toMatchObject({
      format: "clipstream.clip-metadata/1",
      clip: { id: clip.id, title: "Oh my god", score: 91, engine: "offline", review: "PENDING" },
      source: {
        streamer: { id: streamer.id, name: "Meta live", kind: "URL" },
        session: { id: session.id, startedAt: "2026-12-01T20:00:00.000Z", replay: false },
      },
      range: {
        start: 10,
        end: 20,
        duration: 10,
        startedAt: "2026-12-01T20:00:10.000Z",
        endedAt: "2026-12-01T20:00:20.000Z",
        pendingTrim: null,
      },
      captions: { edited: true, cues: [{ start: 0.2, end: 1.4, text: "Oh my GOD!" }] },
    });
    expect(md.words).toEqual([
      { text: "oh", start: 0.2, end: 0.5 },
      { text: "my", start: 0.6, end: 0.8 },
      { text: "god", start: 0.9, end: 1.4, confidence: 0.8 },
    ]);
    expect(md.exports).toEqual([
      expect.objectContaining({
        preset: "tiktok",
        platform: "TikTok",
        width: 1080,
        height: 1920,
        aspect: "9:16",
        layout: "crop",
        crop: { mode: "center", fill: true },
        captionsBurnedIn: true,
        captionStyle: "boxed",
      }),
      // Not rendered yet: the preset's size.
      expect.objectContaining({
        preset: "x_landscape",
        width: 1920,
        height: 1080,
        aspect: "16:9",
        layout: "blur",
        crop: null,
        background: "blurred copy of the picture",
        captionsBurnedIn: false,
        captionStyle: null,
      }),
    ]);
  });

  it("batches in the order asked; another user's id, none, or too many are refused", async () => {
    const a = await seed();
    const b = await seed();
    const second = await prisma.clip.create({
      data: {
        userId: a.user.id,
        streamerId: a.streamer.id,
        sessionId: a.session.id,
        detectionKey: "md2",
        startTime: 22,
        endTime: 29,
        title: "Second",
        reason: "loud",
        score: 60,
        engine: "offline",
      },
    });
    const batch = await m.clipsMetadata(a.user.id, [second.id, a.clip.id]);
    expect(batch.format).toBe("clipstream.clip-metadata/1");
    expect(batch.clips.map((c) => c.clip.title)).toEqual(["Second", "Oh my god"]);
    await expect(m.clipsMetadata(a.user.id, [a.clip.id, b.clip.id])).rejects.toMatchObject({
      code: "not_found",
      message: "Clip not found.",
    });
    expect(m.ZMetadataIds.safeParse(undefined).error?.issues[0].message).toBe("Name the clips: ?ids=<id>,<id>,…");
    expect(m.ZMetadataIds.safeParse(" , ").error?.issues[0].message).toBe("Name the clips: ?ids=<id>,<id>,…");
    const many = Array.from({ length: 101 }, (_, i) => `c${i}`).join(",");
    expect(m.ZMetadataIds.safeParse(many).error?.issues[0].message).toBe("At most 100 clips at once.");
    expect(m.ZMetadataIds.parse("x, y,x")).toEqual(["x", "y"]);
  });
});
