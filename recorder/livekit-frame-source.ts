import { PassThrough } from "node:stream";
import { pumpfunClient, viewerTokenKeeper, type TPumpfunClient } from "@/lib/pumpfun/client";
import { BUFFER_BYTES, type TFrameSource, type TFrameSourceFactory, type TRawFormat } from "./frame-source";

const FPS = 30;
const SAMPLE_RATE = 48_000;
const CHANNELS = 2;

/**
 * pump.fun rooms through `@livekit/rtc-node`: joins the coin's room with a hidden viewer token
 * (lib/pumpfun/client.ts), subscribes to the publisher's tracks and turns them into the raw streams of a
 * TFrameSource: video frames converted to I420 and re-timed to a constant 30 fps (the latest frame is
 * repeated, so ffmpeg's constant-rate input stays in step with wall time), audio as 48 kHz stereo PCM, and
 * silence while the room has no audio track. A change of resolution ends the source (the recorder starts a
 * new run, so a segment boundary). The viewer token is renewed before it expires; a reconnect uses the
 * fresh one. Needs a LiveKit server: not exercised by tests (fileFrameSources stands in).
 */
export function livekitFrameSources(client: TPumpfunClient = pumpfunClient(), firstFrameTimeoutMs = 30_000): TFrameSourceFactory {
  const keepers = new Map<string, ReturnType<typeof viewerTokenKeeper>>();
  return async (mint, log) => {
    const rtc = await import("@livekit/rtc-node");
    const keeper = keepers.get(mint) ?? viewerTokenKeeper(client, mint);
    keepers.set(mint, keeper);
    const { token, url } = await keeper.get();
    const room = new rtc.Room();
    const video = new PassThrough({ highWaterMark: BUFFER_BYTES });
    const audio = new PassThrough({ highWaterMark: BUFFER_BYTES });
    let closed = false;
    let latest: Buffer | null = null;
    let size: { width: number; height: number } | null = null;
    let hasAudio = false;
    const timers: NodeJS.Timeout[] = [];
    const close = () => {
      if (closed) return;
      closed = true;
      for (const t of timers) clearInterval(t);
      video.end();
      audio.end();
      void room.disconnect().catch(() => {});
    };

    let gotFirst!: (f: TRawFormat) => void;
    const first = new Promise<TRawFormat>((resolve) => (gotFirst = resolve));
    room.on(rtc.RoomEvent.TrackSubscribed, (track) => {
      if (track.kind === rtc.TrackKind.KIND_VIDEO) {
        void (async () => {
          for await (const ev of new rtc.VideoStream(track)) {
            if (closed) break;
            const frame = ev.frame.type === rtc.VideoBufferType.I420 ? ev.frame : ev.frame.convert(rtc.VideoBufferType.I420);
            if (size && (frame.width !== size.width || frame.height !== size.height)) {
              log(`[pumpfun ${mint}] resolution changed to ${frame.width}x${frame.height}; starting a new run`);
              return close();
            }
            if (!size) {
              size = { width: frame.width, height: frame.height };
              gotFirst({ ...size, fps: FPS, sampleRate: SAMPLE_RATE, channels: CHANNELS });
            }
            latest = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
          }
          close();
        })().catch((err) => {
          log(`[pumpfun ${mint}] video: ${(err as Error).message}`);
          close();
        });
      } else if (track.kind === rtc.TrackKind.KIND_AUDIO) {
        hasAudio = true;
        void (async () => {
          for await (const frame of new rtc.AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: CHANNELS })) {
            if (closed) break;
            if (size) audio.write(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength));
          }
        })().catch((err) => log(`[pumpfun ${mint}] audio: ${(err as Error).message}`));
      }
    });
    room.on(rtc.RoomEvent.Disconnected, () => close());
    await room.connect(url, token, { autoSubscribe: true, dynacast: false });

    const timeout = new Promise<never>((_, reject) => {
      const t = setTimeout(() => reject(new Error(`no video published in room ${mint} yet`)), firstFrameTimeoutMs);
      t.unref();
    });
    let format: TRawFormat;
    try {
      format = await Promise.race([first, timeout]);
    } catch (err) {
      close();
      throw err;
    }
    const silence = Buffer.alloc((SAMPLE_RATE / FPS) * CHANNELS * 2);
    const started = Date.now();
    let ticks = 0;
    // Constant-rate output: as many frames as wall time asks for, each the latest one received.
    timers.push(
      setInterval(() => {
        const due = Math.floor(((Date.now() - started) * FPS) / 1000);
        for (; ticks < due && latest && !closed; ticks++) {
          video.write(latest);
          if (!hasAudio) audio.write(silence);
        }
      }, 1000 / FPS / 2),
    );
    // Token renewal ahead of expiry: the reconnect after a drop joins with a valid token.
    timers.push(setInterval(() => keeper.needsRefresh() && void keeper.get().catch((e) => log(`[pumpfun ${mint}] token refresh: ${(e as Error).message}`)), 30_000));
    const source: TFrameSource = { format, video, audio, close };
    return source;
  };
}
