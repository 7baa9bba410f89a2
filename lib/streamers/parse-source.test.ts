import { afterEach, describe, expect, it, vi } from "vitest";

async function load(env: Record<string, string> = {}) {
  vi.resetModules();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const { parseSource } = await import("./parse-source");
  return (input: string) => parseSource(input, USER);
}

const USER = "user-parse-1";
const prefix = async () => (await import("@/lib/livekit/user-room-prefix")).userRoomPrefix(USER);

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("parseSource", () => {
  it.each([
    ["", "Enter a stream URL (HLS .m3u8, RTMP or HTTP)."],
    ["not a url", "That is not a valid URL. Use http(s)://…, rtmp(s)://… or an HLS .m3u8 link."],
    ["ftp://example.com/live", 'Unsupported protocol "ftp". Use http, https, rtmp or rtmps.'],
    ["javascript:alert(1)", 'Unsupported protocol "javascript". Use http, https, rtmp or rtmps.'],
    ["https://user:pw@example.com/live.m3u8", "Put stream keys in the path, not as user:password in the URL."],
    ["http://127.0.0.1:8080/live.m3u8", "That host is on a private network; Clipstream only records public streams."],
    [
      "http://169.254.169.254/latest/meta-data",
      "That host is on a private network; Clipstream only records public streams.",
    ],
    ["http://localhost/stream.m3u8", "That host is on a private network; Clipstream only records public streams."],
    ["/etc/passwd", "Local files are disabled on this server (ALLOW_FILE_SOURCES)."],
    ["file:///etc/passwd", "Local files are disabled on this server (ALLOW_FILE_SOURCES)."],
    [`https://example.com/${"a".repeat(2100)}`, "Stream URL is longer than 2048 characters."],
  ])("rejects %j", async (input, message) => {
    const parseSource = await load();
    await expect(parseSource(input)).rejects.toMatchObject({ code: "invalid_input", message });
  });

  it.each([
    ["https://8.8.8.8/live/show.m3u8", "https://8.8.8.8/live/show.m3u8", "show"],
    ["rtmp://8.8.4.4/app/key123", "rtmp://8.8.4.4/app/key123", "key123"],
    ["  https://1.1.1.1/hls/index.m3u8  ", "https://1.1.1.1/hls/index.m3u8", "index"],
  ])("accepts %j", async (input, source, name) => {
    const parseSource = await load();
    await expect(parseSource(input)).resolves.toEqual({ kind: "URL", source, suggestedName: name });
  });

  it("allows loopback and files only when the operator says so", async () => {
    const parseSource = await load({ ALLOW_PRIVATE_SOURCES: "true", ALLOW_FILE_SOURCES: "true" });
    await expect(parseSource("http://127.0.0.1:3200/stream.m3u8")).resolves.toMatchObject({
      source: "http://127.0.0.1:3200/stream.m3u8",
    });
    await expect(parseSource("/srv/media/show.mp4")).resolves.toEqual({
      kind: "URL",
      source: "file:///srv/media/show.mp4",
      suggestedName: "show",
    });
    await expect(parseSource("relative/file.mp4")).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("takes livekit:<room> as a room on the operator's LiveKit server, only when one is configured", async () => {
    await expect((await load())("livekit:show-1")).rejects.toMatchObject({
      code: "invalid_input",
      message: "LiveKit rooms are not enabled on this server (LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET).",
    });
    const parseSource = await load({
      LIVEKIT_URL: "wss://lk.example.com",
      LIVEKIT_API_KEY: "APIkey",
      LIVEKIT_API_SECRET: "secret",
    });
    const own = await prefix();
    expect(own).toMatch(/^u[0-9a-f]{12}-$/);
    await expect(parseSource("livekit:show-1")).resolves.toEqual({
      kind: "LIVEKIT",
      source: `${own}show-1`,
      suggestedName: "show-1",
    });
    await expect(parseSource(" livekit://Main.Stage_2 ")).resolves.toEqual({
      kind: "LIVEKIT",
      source: `${own}Main.Stage_2`,
      suggestedName: "Main.Stage_2",
    });
    // The account's own full room name stays as it is; another account's prefix is nested under this one's.
    await expect(parseSource(`livekit:${own}show-1`)).resolves.toMatchObject({ source: `${own}show-1` });
    await expect(parseSource("livekit:u000000000000-show-1")).resolves.toMatchObject({
      source: `${own}u000000000000-show-1`,
    });
    for (const bad of ["livekit:", "livekit:../x", "livekit:a b", `livekit:${"r".repeat(129)}`]) {
      await expect(parseSource(bad)).rejects.toMatchObject({
        code: "invalid_input",
        message: "Use livekit:<room name> (letters, digits, '-', '_', '.'; up to 128 characters).",
      });
    }
  });

  it("keeps a room the operator shares (LIVEKIT_SHARED_ROOMS) under its bare name", async () => {
    const parseSource = await load({
      LIVEKIT_URL: "wss://lk.example.com",
      LIVEKIT_API_KEY: "APIkey",
      LIVEKIT_API_SECRET: "secret",
      LIVEKIT_SHARED_ROOMS: "town-hall, radio",
    });
    await expect(parseSource("livekit:radio")).resolves.toMatchObject({ source: "radio" });
    await expect(parseSource("livekit:radio-2")).resolves.toMatchObject({ source: `${await prefix()}radio-2` });
  });

  const MINT = "2qEHjDLDLbuBgRYvsxhc5D6uDWAivNFZGan56P1tpump";
  const MINT43 = "So11111111111111111111111111111111111111112";
  it.each([
    [`https://pump.fun/coin/${MINT}`, MINT],
    [`https://pump.fun/coin/${MINT}?include-nsfw=true`, MINT],
    [`https://www.pump.fun/coin/${MINT}#chat`, MINT],
    [`pump.fun/coin/${MINT}`, MINT],
    [`https://pump.fun/${MINT}`, MINT],
    [`pump.fun/${MINT}?ref=abc`, MINT],
    [`  ${MINT}  `, MINT],
    [MINT43, MINT43],
    ["11111111111111111111111111111111", "11111111111111111111111111111111"],
  ])("accepts pump.fun %j as kind PUMPFUN", async (input, mint) => {
    const parseSource = await load();
    await expect(parseSource(input)).resolves.toEqual({
      kind: "PUMPFUN",
      source: mint,
      suggestedName: `pump.fun ${mint.slice(0, 6)}…`,
    });
  });

  it.each([
    ["https://pump.fun/board", "A pump.fun mint id is 32 to 44 characters long; this one has 5."],
    ["https://pump.fun/", "That pump.fun URL has no coin in it. Paste https://pump.fun/coin/<mint> or the mint id."],
    [
      "https://pump.fun/coin/",
      "That pump.fun URL has no coin in it. Paste https://pump.fun/coin/<mint> or the mint id.",
    ],
    [
      `https://pump.fun/coin/${MINT}/extra`,
      "That pump.fun URL has no coin in it. Paste https://pump.fun/coin/<mint> or the mint id.",
    ],
    [
      "https://pump.fun/coin/0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl",
      "A pump.fun mint id uses base58 letters and digits only (no 0, O, I or l).",
    ],
    [
      "https://pump.fun/coin/2qEHjDLDLbuBgRYvsxhc5D6uDWAivNFZ-an56P1tpump",
      "A pump.fun mint id uses base58 letters and digits only (no 0, O, I or l).",
    ],
    ["2qEHjDLDLbuBgRYvsxhc5D6u", "A pump.fun mint id is 32 to 44 characters long; this one has 24."],
    [`${MINT}abc`, "A pump.fun mint id is 32 to 44 characters long; this one has 47."],
    [
      "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
      "That mint id is not a valid Solana address (it does not decode to 32 bytes).",
    ],
    [
      "0000000000000000000000000000000000000000",
      "A pump.fun mint id uses base58 letters and digits only (no 0, O, I or l).",
    ],
  ])("rejects pump.fun %j", async (input, message) => {
    const parseSource = await load();
    await expect(parseSource(input)).rejects.toMatchObject({ code: "invalid_input", message });
  });
});
