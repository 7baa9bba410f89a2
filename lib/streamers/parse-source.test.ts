import { afterEach, describe, expect, it, vi } from "vitest";

async function load(env: Record<string, string> = {}) {
  vi.resetModules();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  return (await import("./parse-source")).parseSource;
}

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
    ["http://169.254.169.254/latest/meta-data", "That host is on a private network; Clipstream only records public streams."],
    ["http://localhost/stream.m3u8", "That host is on a private network; Clipstream only records public streams."],
    ["/etc/passwd", "Local files are disabled on this server (ALLOW_FILE_SOURCES)."],
    ["file:///etc/passwd", "Local files are disabled on this server (ALLOW_FILE_SOURCES)."],
    ["https://pump.fun/coin/7GCihgDB8fe6KNjn2MYtkzZcRjQy3t9GHdC8uHYmW2hr", "pump.fun streamers are not supported yet; paste an HLS, RTMP or HTTP stream URL."],
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
    await expect(parseSource("http://127.0.0.1:3200/stream.m3u8")).resolves.toMatchObject({ source: "http://127.0.0.1:3200/stream.m3u8" });
    await expect(parseSource("/srv/media/show.mp4")).resolves.toEqual({ kind: "URL", source: "file:///srv/media/show.mp4", suggestedName: "show" });
    await expect(parseSource("relative/file.mp4")).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("takes livekit:<room> as a room on the operator's LiveKit server, only when one is configured", async () => {
    await expect((await load())("livekit:show-1")).rejects.toMatchObject({
      code: "invalid_input",
      message: "LiveKit rooms are not enabled on this server (LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET).",
    });
    const parseSource = await load({ LIVEKIT_URL: "wss://lk.example.com", LIVEKIT_API_KEY: "APIkey", LIVEKIT_API_SECRET: "secret" });
    await expect(parseSource("livekit:show-1")).resolves.toEqual({ kind: "LIVEKIT", source: "show-1", suggestedName: "show-1" });
    await expect(parseSource(" livekit://Main.Stage_2 ")).resolves.toEqual({ kind: "LIVEKIT", source: "Main.Stage_2", suggestedName: "Main.Stage_2" });
    for (const bad of ["livekit:", "livekit:../x", "livekit:a b", `livekit:${"r".repeat(129)}`]) {
      await expect(parseSource(bad)).rejects.toMatchObject({
        code: "invalid_input",
        message: "Use livekit:<room name> (letters, digits, '-', '_', '.'; up to 128 characters).",
      });
    }
  });
});
