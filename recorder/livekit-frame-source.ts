import { pumpfunClient, viewerTokenKeeper, type TPumpfunClient } from "@/lib/pumpfun/client";
import type { TFrameSource, TFrameSourceFactory, TRawFormat } from "./frame-source";
import { RawPacer } from "./raw-pacer";

const FPS = 30;
const SAMPLE_RATE = 48_000;
const CHANNELS = 2;

type TRtc = typeof import("@livekit/rtc-node");

/** A LiveKit video frame as I420 bytes (converted natively from RGBA/BGRA/NV12… when needed). */
export function toI420(
  rtc: TRtc,
  frame: InstanceType<TRtc["VideoFrame"]>,
): { data: Buffer; width: number; height: number } {
  const f = frame.type === rtc.VideoBufferType.I420 ? frame : frame.convert(rtc.VideoBufferType.I420);
  return { data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength), width: f.width, height: f.height };
}

/** A LiveKit room to join: its server, a viewer token, and a background renewal of that token while open. */
export type TRoomJoin = {
  url: string;
  token: string;
  /** The room's name in errors; `label` prefixes log lines (e.g. `pumpfun <mint>`). */
  room: string;
  label: string;
  /** Starts renewing the token ahead of expiry; returns the function that stops it. */
  keepFresh(onError: (err: Error) => void): () => void;
};

/**
 * pump.fun rooms through `@livekit/rtc-node`: joins the coin's room with a hidden viewer token
 * (lib/pumpfun/client.ts) and hands it to joinLivekitRoom. The viewer token is renewed before it expires, so a
 * reconnect after a drop joins with a valid one. Frames from a real room need a LiveKit server, which tests
 * cannot run: they cover the join, the error paths, toI420 and the pacer, and a local file stands in for the
 * room in the recording tests (pacedFileFrameSources feeds it through the same RawPacer).
 */
export function livekitFrameSources(
  client: TPumpfunClient = pumpfunClient(),
  firstFrameTimeoutMs = 30_000,
): TFrameSourceFactory {
  const keepers = new Map<string, ReturnType<typeof viewerTokenKeeper>>();
  return async (mint, log, signal) => {
    if (signal?.aborted) throw new Error("stopped");
    const keeper = keepers.get(mint) ?? viewerTokenKeeper(client, mint);
    keepers.set(mint, keeper);
    const { token, url } = await keeper.get();
    const join: TRoomJoin = { url, token, room: mint, label: `pumpfun ${mint}`, keepFresh: (e) => keeper.keepFresh(e) };
    return joinLivekitRoom(join, log, signal, firstFrameTimeoutMs);
  };
}

/**
 * One LiveKit room through `@livekit/rtc-node`, whoever's server it is on (pump.fun's, or the operator's:
 * recorder/livekit-room-frame-source.ts): joins with the viewer token, subscribes to the publisher's tracks,
 * and hands their frames to a RawPacer (constant 30 fps I420 and, tick for tick, 48 kHz stereo PCM:
 * jitter-buffered room audio or silence). Resolves once the first video frame fixed the format.
 */
export async function joinLivekitRoom(
  join: TRoomJoin,
  log: (m: string) => void,
  signal: AbortSignal | undefined,
  firstFrameTimeoutMs: number,
): Promise<TFrameSource> {
  if (signal?.aborted) throw new Error("stopped");
  const rtc = await import("@livekit/rtc-node");
  const { url, token, label } = join;
  const room = new rtc.Room();
  let gotFirst!: (f: TRawFormat) => void;
  const first = new Promise<TRawFormat>((resolve) => (gotFirst = resolve));
  const pacer = new RawPacer(FPS, SAMPLE_RATE, CHANNELS, gotFirst);
  const timers: NodeJS.Timeout[] = [];
  // Token renewal ahead of expiry while the room is open: the rejoin after a drop has a valid token at hand.
  const stopRefresh = join.keepFresh((e) => log(`[${label}] token refresh: ${e.message}`));
  const close = (why = "closed") => {
    stopRefresh();
    for (const t of timers) clearInterval(t);
    if (!pacer.ended)
      log(
        `[${label}] room stream ended (${why})${pacer.skippedTicks ? `; ${pacer.skippedTicks} frames skipped, the encoder fell behind` : ""}`,
      );
    pacer.end(why);
    void room.disconnect().catch(() => {});
  };

  // One picture: the first video track subscribed (a camera; another publisher's or a screen share is left
  // out). Every audio track is heard: the pacer mixes them (a room with several speakers).
  let videoTrack: string | null = null;
  room.on(rtc.RoomEvent.TrackSubscribed, (track) => {
    if (track.kind === rtc.TrackKind.KIND_VIDEO) {
      if (videoTrack !== null) return log(`[${label}] another video track (${track.sid}) left out`);
      videoTrack = track.sid ?? "video";
      void (async () => {
        for await (const ev of new rtc.VideoStream(track)) {
          if (pacer.ended) break;
          const f = toI420(rtc, ev.frame);
          pacer.videoFrame(f.data, f.width, f.height);
        }
        close("video track ended");
      })().catch((err) => close(`video: ${(err as Error).message}`));
    } else if (track.kind === rtc.TrackKind.KIND_AUDIO) {
      const sid = track.sid ?? "audio";
      void (async () => {
        for await (const frame of new rtc.AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: CHANNELS })) {
          if (pacer.ended) break;
          pacer.audioFrame(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), sid);
        }
      })()
        .catch((err) => log(`[${label}] audio: ${(err as Error).message}`))
        .finally(() => pacer.audioEnded(sid));
    }
  });
  room.on(rtc.RoomEvent.Disconnected, () => close("disconnected"));
  let format: TRawFormat;
  let onAbort = () => {};
  try {
    await room.connect(url, token, { autoSubscribe: true, dynacast: false });
    // Live before the publisher's frames flow: wait for them, but not past a stop.
    format = await Promise.race([
      first,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no video published in room ${join.room} yet`)), firstFrameTimeoutMs).unref(),
      ),
      new Promise<never>((_, reject) => {
        onAbort = () => reject(new Error("stopped"));
        if (signal?.aborted) onAbort();
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
  } catch (err) {
    close((err as Error).message);
    throw err;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  timers.push(setInterval(() => pacer.tick(), 1000 / FPS / 2));
  const source: TFrameSource = { format, video: pacer.video, audio: pacer.audio, close: () => close() };
  return source;
}
