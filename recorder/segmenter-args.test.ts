/**
 * The segmenter's exact ffmpeg arguments per source kind. The expected lists are the ones recording.ts
 * passed to ffmpeg before segmenterArgs was split out of it (captured with a stand-in ffmpeg that wrote its argv).
 */
import { describe, expect, it } from "vitest";
import { segmenterArgs, type TSegmenterOptions } from "./segmenter-args";

const RUN = "/spool/sessions/s1/run-0000";
const RESUMED = "/spool/sessions/s1/run-0003";
const FORMAT = { width: 640, height: 360, fps: 30, sampleRate: 48_000, channels: 2 };

const HEAD = ["-hide_banner", "-loglevel", "error", "-nostdin"];
const COPY = ["-sn", "-dn", "-c", "copy"];
const NETWORK = ["-rw_timeout", "15000000"];
const RECONNECT = [
  "-reconnect",
  "1",
  "-reconnect_streamed",
  "1",
  "-reconnect_on_network_error",
  "1",
  "-reconnect_delay_max",
  "5",
];
const RAW = [
  "-f",
  "rawvideo",
  "-pix_fmt",
  "yuv420p",
  "-s",
  "640x360",
  "-framerate",
  "30",
  "-i",
  "pipe:3",
  "-f",
  "s16le",
  "-ar",
  "48000",
  "-ac",
  "2",
  "-i",
  "pipe:4",
  "-map",
  "0:v",
  "-map",
  "1:a",
  "-c:v",
  "libx264",
  "-preset",
  "veryfast",
  "-tune",
  "zerolatency",
  "-pix_fmt",
  "yuv420p",
  "-g",
  "60",
  "-force_key_frames",
  "expr:gte(t,n_forced*10)",
  "-c:a",
  "aac",
  "-b:a",
  "128k",
];
const segments = (dir: string, start: string) => [
  "-f",
  "segment",
  "-segment_time",
  "10",
  "-segment_format",
  "mpegts",
  "-reset_timestamps",
  "1",
  "-segment_list",
  `${dir}/list.csv`,
  "-segment_list_type",
  "csv",
  "-segment_start_number",
  start,
  `${dir}/%05d.ts`,
];
const chunks = (dir: string, map: string, seconds: string) => [
  "-map",
  map,
  "-vn",
  "-ac",
  "1",
  "-ar",
  "16000",
  "-c:a",
  "pcm_s16le",
  "-f",
  "segment",
  "-segment_time",
  seconds,
  "-segment_format",
  "wav",
  "-reset_timestamps",
  "1",
  "-segment_list",
  `${dir}/chunks.csv`,
  "-segment_list_type",
  "csv",
  `${dir}/a-%05d.wav`,
];

const parts = (dir: string) => [
  ...COPY,
  "-f",
  "hls",
  "-hls_time",
  "1",
  "-hls_list_size",
  "60",
  "-hls_segment_type",
  "mpegts",
  "-hls_segment_filename",
  `${dir}/p-%07d.ts`,
  `${dir}/parts.m3u8`,
];
/** Raw frames with live parts: keyframes every second, one encode teed into segments and parts. */
const RAW_INPUTS = RAW.slice(0, RAW.indexOf("-map"));
const RAW_MAPS = ["-map", "0:v", "-map", "1:a"];
/** The segments' muxer options for WebM files. */
const webm = (args: string[]) =>
  args.map((a) => (a === "mpegts" ? "webm" : a.endsWith("%05d.ts") ? a.replace(/ts$/, "webm") : a));
const RAW_PARTS = RAW.map((a) => (a === "expr:gte(t,n_forced*10)" ? "expr:gte(t,n_forced*1)" : a));
const tee = (dir: string, start: string) => [
  "-f",
  "tee",
  `[f=segment:segment_time=10:segment_format=mpegts:reset_timestamps=1:segment_list=${dir}/list.csv:` +
    `segment_list_type=csv:segment_start_number=${start}]${dir}/%05d.ts|` +
    `[f=hls:hls_time=1:hls_list_size=60:hls_segment_type=mpegts:hls_segment_filename=${dir}/p-%07d.ts]` +
    `${dir}/parts.m3u8`,
];

const base = { segmentSeconds: 10, startNumber: 0, audioChunkSeconds: 0, runDir: RUN };
const HLS = "http://127.0.0.1:8080/live.m3u8";
const PROXY = "http://127.0.0.1:9/proxy";
const RTMP = "rtmp://127.0.0.1/live/key";

describe("segmenterArgs", () => {
  const cases: [string, TSegmenterOptions, string[]][] = [
    [
      "local file, read in real time",
      { ...base, input: { kind: "file", path: "/media/in.ts" } },
      [...HEAD, "-re", "-i", "/media/in.ts", ...COPY, ...segments(RUN, "0")],
    ],
    [
      "local file with audio chunks",
      { ...base, input: { kind: "file", path: "/media/my in.ts" }, audioChunkSeconds: 30 },
      [...HEAD, "-re", "-i", "/media/my in.ts", ...COPY, ...segments(RUN, "0"), ...chunks(RUN, "0:a:0?", "30")],
    ],
    [
      "local file replayed as fast as it reads (no -re)",
      { ...base, input: { kind: "file", path: "/media/in.mp4", fast: true } },
      [...HEAD, "-i", "/media/in.mp4", ...COPY, ...segments(RUN, "0")],
    ],
    [
      "HTTP recording replayed in real time (-re) through the guard proxy",
      { ...base, input: { kind: "network", url: "http://127.0.0.1:8080/vod.mp4", proxyUrl: PROXY, realtime: true } },
      [
        ...HEAD,
        ...NETWORK,
        "-http_proxy",
        PROXY,
        ...RECONNECT,
        "-re",
        "-i",
        "http://127.0.0.1:8080/vod.mp4",
        ...COPY,
        ...segments(RUN, "0"),
      ],
    ],
    [
      "re-encoded segments (WebM): the encoder options, the webm muxer and .webm files; parts stay copy",
      {
        ...base,
        input: { kind: "file", path: "/media/in.mp4" },
        liveParts: true,
        encode: { args: ["-c:v", "libvpx-vp9", "-c:a", "libopus"], container: "webm", ext: "webm" },
      },
      [
        ...HEAD,
        "-re",
        "-i",
        "/media/in.mp4",
        ...["-c:v", "libvpx-vp9", "-c:a", "libopus"],
        ...segments(RUN, "0").map((a) => (a === "mpegts" ? "webm" : a === `${RUN}/%05d.ts` ? `${RUN}/%05d.webm` : a)),
        ...parts(RUN),
      ],
    ],
    [
      "raw frames with an output encoding: segments in its codecs",
      {
        ...base,
        input: { kind: "raw", format: FORMAT },
        encode: { args: ["-c:v", "libvpx-vp9"], container: "webm", ext: "webm" },
      },
      [...HEAD, ...RAW_INPUTS, ...RAW_MAPS, "-c:v", "libvpx-vp9", ...webm(segments(RUN, "0"))],
    ],
    [
      "raw frames with an output encoding and live parts: the parts an H.264 encode of their own, keyframe every second",
      {
        ...base,
        input: { kind: "raw", format: FORMAT },
        encode: { args: ["-c:v", "libvpx-vp9"], container: "webm", ext: "webm" },
        liveParts: true,
      },
      [
        ...HEAD,
        ...RAW_INPUTS,
        ...RAW_MAPS,
        "-c:v",
        "libvpx-vp9",
        ...webm(segments(RUN, "0")),
        ...RAW_MAPS,
        ...RAW_PARTS.slice(RAW_PARTS.indexOf("-c:v")),
        ...parts(RUN).slice(COPY.length),
      ],
    ],
    [
      "HLS playlist without the guard",
      { ...base, input: { kind: "network", url: HLS } },
      [...HEAD, ...NETWORK, ...RECONNECT, "-m3u8_hold_counters", "10", "-i", HLS, ...COPY, ...segments(RUN, "0")],
    ],
    [
      "HLS playlist through the guard proxy, with audio chunks",
      { ...base, input: { kind: "network", url: HLS, proxyUrl: PROXY }, audioChunkSeconds: 30 },
      [
        ...HEAD,
        ...NETWORK,
        "-http_proxy",
        PROXY,
        ...RECONNECT,
        "-m3u8_hold_counters",
        "10",
        "-i",
        HLS,
        ...COPY,
        ...segments(RUN, "0"),
        ...chunks(RUN, "0:a:0?", "30"),
      ],
    ],
    [
      "HTTP media (not a playlist) through the guard proxy",
      { ...base, input: { kind: "network", url: "http://127.0.0.1:8080/v.flv", proxyUrl: PROXY } },
      [
        ...HEAD,
        ...NETWORK,
        "-http_proxy",
        PROXY,
        ...RECONNECT,
        "-i",
        "http://127.0.0.1:8080/v.flv",
        ...COPY,
        ...segments(RUN, "0"),
      ],
    ],
    [
      "RTMP: no HTTP proxy or reconnect options even with the guard",
      { ...base, input: { kind: "network", url: RTMP, proxyUrl: PROXY } },
      [...HEAD, ...NETWORK, "-i", RTMP, ...COPY, ...segments(RUN, "0")],
    ],
    [
      "RTMP, resumed run numbering from 7, 15 s audio chunks",
      { ...base, input: { kind: "network", url: RTMP }, startNumber: 7, audioChunkSeconds: 15, runDir: RESUMED },
      [...HEAD, ...NETWORK, "-i", RTMP, ...COPY, ...segments(RESUMED, "7"), ...chunks(RESUMED, "0:a:0?", "15")],
    ],
    [
      "raw frame pipes (pump.fun room), encoded",
      { ...base, input: { kind: "raw", format: FORMAT } },
      [...HEAD, ...RAW, ...segments(RUN, "0")],
    ],
    [
      "raw frame pipes with audio chunks from the PCM pipe",
      { ...base, input: { kind: "raw", format: FORMAT }, audioChunkSeconds: 30 },
      [...HEAD, ...RAW, ...segments(RUN, "0"), ...chunks(RUN, "1:a", "30")],
    ],
    [
      "local file with live parts",
      { ...base, input: { kind: "file", path: "/media/in.ts" }, liveParts: true },
      [...HEAD, "-re", "-i", "/media/in.ts", ...COPY, ...segments(RUN, "0"), ...parts(RUN)],
    ],
    [
      "HLS through the guard proxy with live parts and audio chunks",
      { ...base, input: { kind: "network", url: HLS, proxyUrl: PROXY }, audioChunkSeconds: 30, liveParts: true },
      [
        ...HEAD,
        ...NETWORK,
        "-http_proxy",
        PROXY,
        ...RECONNECT,
        "-m3u8_hold_counters",
        "10",
        "-i",
        HLS,
        ...COPY,
        ...segments(RUN, "0"),
        ...parts(RUN),
        ...chunks(RUN, "0:a:0?", "30"),
      ],
    ],
    [
      "RTMP resumed from segment 7 with live parts",
      { ...base, input: { kind: "network", url: RTMP }, startNumber: 7, runDir: RESUMED, liveParts: true },
      [...HEAD, ...NETWORK, "-i", RTMP, ...COPY, ...segments(RESUMED, "7"), ...parts(RESUMED)],
    ],
    [
      "raw frame pipes with live parts: keyframe every second, one encode teed",
      { ...base, input: { kind: "raw", format: FORMAT }, liveParts: true },
      [...HEAD, ...RAW_PARTS, ...tee(RUN, "0")],
    ],
    [
      "raw frame pipes with live parts and audio chunks, resumed",
      { ...base, input: { kind: "raw", format: FORMAT }, liveParts: true, audioChunkSeconds: 30, startNumber: 3 },
      [...HEAD, ...RAW_PARTS, ...tee(RUN, "3"), ...chunks(RUN, "1:a", "30")],
    ],
  ];
  it.each(cases)("%s", (_name, opts, expected) => {
    expect(segmenterArgs(opts)).toEqual(expected);
  });

  it("forces keyframes on the segment clock and sets the GOP from the frame rate", () => {
    const args = segmenterArgs({ ...base, segmentSeconds: 4, input: { kind: "raw", format: { ...FORMAT, fps: 25 } } });
    expect(args[args.indexOf("-force_key_frames") + 1]).toBe("expr:gte(t,n_forced*4)");
    expect(args[args.indexOf("-g") + 1]).toBe("50");
  });

  it("refuses a run directory the tee muxer would misparse", () => {
    const input = { kind: "raw" as const, format: FORMAT };
    expect(() => segmenterArgs({ ...base, input, liveParts: true, runDir: "/spool/a:b/run-0000" })).toThrow(
      /run directory unusable with the tee muxer/,
    );
  });

  it("throws on a network URL ffmpeg could not parse either", () => {
    expect(() => segmenterArgs({ ...base, input: { kind: "network", url: "not a url" } })).toThrow(/Invalid URL/);
  });
});
