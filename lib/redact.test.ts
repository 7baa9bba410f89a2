import { describe, expect, it } from "vitest";
import { redact } from "./redact";

const env = {
  GROQ_API_KEY: "gsk_live_abcdefghijklmnop",
  RECORDER_SECRET: "recorder-secret-0123456789",
  DATABASE_URL: "postgres://clip:s3cretpw@db.internal:5432/clip",
};

describe("redact", () => {
  it.each([
    ["Groq said 401 for key gsk_live_abcdefghijklmnop", "Groq said 401 for key [redacted]"],
    ["hmac recorder-secret-0123456789 mismatch", "hmac [redacted] mismatch"],
    [
      "cannot reach postgres://clip:s3cretpw@db.internal:5432/clip",
      "cannot reach postgres://[redacted]@db.internal:5432/clip",
    ],
    // Short, common values (the embedded database's password is "clipstream") are not secrets to mask.
    ["clipstream-process-segment started", "clipstream-process-segment started"],
    [
      "rtmp://live.example.com/app/sk_9f8e7d: Connection refused",
      "rtmp://live.example.com/app/[redacted]: Connection refused",
    ],
    ["https://user:pa55@cdn.example.com/live.m3u8: 403", "https://[redacted]@cdn.example.com/live.m3u8: 403"],
    [
      "GET https://cdn.example.com/live.m3u8?token=abc123&x=1 failed",
      "GET https://cdn.example.com/live.m3u8?token=[redacted]&x=1 failed",
    ],
    ["/api/media/a.mp4?exp=1&sig=Zm9v", "/api/media/a.mp4?exp=1&sig=[redacted]"],
    [
      "could not connect to wss://lk.example.com/rtc?access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln&auto_subscribe=1",
      "could not connect to wss://lk.example.com/rtc?access_token=[redacted]&auto_subscribe=1",
    ],
    ["token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_x expired", "token [redacted] expired"],
    ["segment 3 stored (1.2 MB)", "segment 3 stored (1.2 MB)"],
  ])("%s", (input, expected) => {
    expect(redact(input, env)).toBe(expected);
  });
});

describe("runner log", () => {
  it("is redacted before it is written", async () => {
    const { vi } = await import("vitest");
    const { log } = await import("@/lib/jobs/store");
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((m: string) => void lines.push(m));
    const before = process.env.GROQ_API_KEY;
    process.env.GROQ_API_KEY = "gsk_runner_log_test_0123456789";
    try {
      log("step failed: 401 invalid key gsk_runner_log_test_0123456789 for rtmp://h/app/streamkey42");
    } finally {
      spy.mockRestore();
      if (before === undefined) delete process.env.GROQ_API_KEY;
      else process.env.GROQ_API_KEY = before;
    }
    expect(lines).toEqual(["[jobs] step failed: 401 invalid key [redacted] for rtmp://h/app/[redacted]"]);
  });
});
