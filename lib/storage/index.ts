import { env } from "@/lib/env";
import { createLocalStore } from "./local-store";
import { createS3Store } from "./s3-store";
import type { BlobStore } from "./types";
import { createVercelStore } from "./vercel-store";

export { BlobNotFoundError, type BlobStore, type TListedBlob } from "./types";

let store: BlobStore | undefined;

/**
 * An S3-compatible bucket when S3_BUCKET is set, else Vercel Blob when BLOB_READ_WRITE_TOKEN is, else the local
 * directory (STORAGE_DIR, default .data/blobs).
 */
export function getStore(): BlobStore {
  store ??= env.S3_BUCKET
    ? createS3Store({
        bucket: env.S3_BUCKET,
        endpoint: env.S3_ENDPOINT,
        region: env.S3_REGION,
        accessKeyId: env.S3_ACCESS_KEY_ID,
        secretAccessKey: env.S3_SECRET_ACCESS_KEY,
        forcePathStyle: env.S3_FORCE_PATH_STYLE,
        prefix: env.S3_PREFIX,
      })
    : env.BLOB_READ_WRITE_TOKEN
      ? createVercelStore(env.BLOB_READ_WRITE_TOKEN)
      : createLocalStore(env.storageDir);
  return store;
}

const n5 = (n: number) => String(n).padStart(5, "0");

export const storageKeys = {
  /**
   * A recorded segment. `run` names the recording run that made it (the recorder's lease epoch, run number and
   * a random token): a recorder that took the session over, or one restarted without its spool, never writes
   * over a stored segment. Absent: the number alone (segments the app itself makes, and older recorders).
   */
  segment: (sessionId: string, number: number, ext = "ts", run?: string) =>
    `sessions/${sessionId}/segments/${n5(number)}${run ? `.${run}` : ""}.${ext}`,
  /** 16 kHz mono WAV extracted from a segment (input to transcription and analysis). */
  segmentAudio: (sessionId: string, number: number) => `sessions/${sessionId}/audio/${n5(number)}.wav`,
  /** Loudness, silences and keyword hits of a segment, in stream time. */
  segmentSignals: (sessionId: string, number: number) => `sessions/${sessionId}/analysis/${n5(number)}.json`,
  /** Folder of a session's audio chunks (the webhook accepts chunk keys only under it). */
  audioChunks: (sessionId: string) => `sessions/${sessionId}/chunks/`,
  /** Live audio sent ahead of its segment (recorder run + chunk index), deleted once transcribed. */
  audioChunk: (sessionId: string, run: number | string, index: number) =>
    `${storageKeys.audioChunks(sessionId)}${typeof run === "number" ? n5(run) : run}-${n5(index)}.wav`,
  clipVideo: (clipId: string) => `clips/${clipId}/clip.mp4`,
  clipThumb: (clipId: string) => `clips/${clipId}/thumb.jpg`,
  /** A re-render (trim) under a new name, so the current file keeps playing until the swap. */
  clipVideoVersion: (clipId: string, tag: string) => `clips/${clipId}/clip-${tag}.mp4`,
  clipThumbVersion: (clipId: string, tag: string) => `clips/${clipId}/thumb-${tag}.jpg`,
  /**
   * The trim editor's low-resolution preview of a window of the recording (`ms`: stream milliseconds), a cache
   * that retention deletes (lib/retention/purge-preview-proxies.ts, which parses these keys back).
   */
  clipPreviewProxy: (clipId: string, startMs: number, endMs: number, ext: "mp4" | "jpg") =>
    `clips/${clipId}/proxy-${startMs}-${endMs}.${ext}`,
  exportVideo: (exportId: string, preset: string) => `exports/${exportId}/${preset}.mp4`,
  /** Folders holding every blob of one session, clip or export (deleting a clip, a streamer). */
  sessionFolder: (sessionId: string) => `sessions/${sessionId}/`,
  clipFolder: (clipId: string) => `clips/${clipId}/`,
  exportFolder: (exportId: string) => `exports/${exportId}/`,
};

/** Deletes every blob under each folder; returns how many went. */
export async function deleteBlobFolders(folders: string[]): Promise<number> {
  const store = getStore();
  const blobs = (await Promise.all(folders.map((f) => store.list(f)))).flat();
  await Promise.all(blobs.map((b) => store.delete(b.key)));
  return blobs.length;
}
