import "server-only";
import path from "node:path";
import { FileStore } from "@tus/file-store";
import { Server, type ServerOptions } from "@tus/server";
import type { Upload } from "@tus/utils";
import { requireUser } from "@/lib/auth/server";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, errorBody } from "@/lib/http/errors";
import { formatBytes } from "@/lib/quotas/format-bytes";
import { startReplay, ZReplayPace } from "@/lib/recording/replay";

/** Where `/api/uploads` is served (tus: POST creates, HEAD resumes, PATCH appends, DELETE abandons). */
export const UPLOADS_PATH = "/api/uploads";

/** A tus hook's refusal: the status and the app's one error shape. */
const refuse = (code: ConstructorParameters<typeof AppError>[0], message: string) => {
  const e = new AppError(code, message);
  return { status_code: e.status, body: JSON.stringify(errorBody(code, message)) };
};

/** Any error in a hook as a tus refusal (an AppError keeps its status and message; anything else is a 500). */
function asRefusal(err: unknown): { status_code: number; body: string } {
  if (err instanceof AppError) return refuse(err.code, err.message);
  if (typeof err === "object" && err !== null && "status_code" in err)
    return err as { status_code: number; body: string };
  console.error("[uploads]", err);
  return refuse("internal", "Something went wrong on our side.");
}

/** A stored file name: the upload's own, reduced to safe characters. */
function safeName(filename: string | null | undefined): string {
  const base = path
    .basename(filename ?? "")
    .replace(/[^\w.-]+/g, "_")
    .replace(/^\.+/, "");
  return (base || "recording").slice(0, 100);
}

const maxBytes = () => env.UPLOAD_MAX_MB * 1_000_000;

/**
 * A resumable upload of a recording (tus, @tus/server with its file store under DATA_DIR/uploads), replayed into
 * a streamer once complete: the owner, the streamer and the pace are checked when it is created (so nobody
 * sends gigabytes to get a refusal), every later request must come from its owner, and the finished file is
 * stored under its replay session's folder and replayed (lib/recording/replay.ts) before the last PATCH is
 * answered, with the session id in its body.
 */
function createUploadServer(): Server {
  const datastore = new FileStore({
    directory: path.resolve(/*turbopackIgnore: true*/ env.DATA_DIR, "uploads"),
    // Abandoned partial uploads (lib/retention) go after a day.
    expirationPeriodInMilliseconds: 24 * 3600_000,
  });
  const options: Omit<ServerOptions, "locker"> & { datastore: FileStore } = {
    path: UPLOADS_PATH,
    datastore,
    relativeLocation: true,
    // The size limit is checked in onUploadCreate (the app's error shape); a PATCH can never pass Upload-Length.
    async onUploadCreate(_req, upload: Upload) {
      try {
        const user = await requireUser();
        const meta = upload.metadata ?? {};
        if (upload.size === undefined) {
          throw new AppError(
            "invalid_input",
            "Send the file's size first (Upload-Length): deferred lengths are not taken.",
          );
        }
        if (upload.size > maxBytes()) {
          throw new AppError(
            "payload_too_large",
            `This file is ${formatBytes(upload.size)}; the largest upload this server takes is ${formatBytes(maxBytes())}.`,
          );
        }
        const pace = ZReplayPace.safeParse(meta.pace ?? "fast");
        if (!pace.success) throw new AppError("invalid_input", 'pace: "fast" or "live".');
        const streamer = await prisma.streamer.findFirst({
          where: { id: meta.streamerId ?? "", userId: user.id, archivedAt: null },
          select: { id: true },
        });
        if (!streamer) throw new AppError("not_found", "Streamer not found.");
        return { metadata: { ...meta, userId: user.id, pace: pace.data, filename: safeName(meta.filename) } };
      } catch (err) {
        throw asRefusal(err);
      }
    },
    async onIncomingRequest(req, uploadId) {
      if (req.method === "POST") return; // creation: onUploadCreate checks the user
      try {
        const user = await requireUser();
        const upload = await datastore.getUpload(uploadId).catch(() => null);
        if (upload?.metadata?.userId !== user.id) throw new AppError("not_found", "Upload not found.");
      } catch (err) {
        throw asRefusal(err);
      }
    },
    async onUploadFinish(_req, upload: Upload) {
      try {
        const meta = upload.metadata ?? {};
        const file = path.join(datastore.directory, upload.id);
        const { sessionId } = await startReplay(
          meta.userId!,
          meta.streamerId!,
          { file, filename: safeName(meta.filename) },
          ZReplayPace.parse(meta.pace),
        );
        await datastore.remove(upload.id);
        return {
          status_code: 200,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ sessionId }),
        };
      } catch (err) {
        throw asRefusal(err);
      }
    },
  };
  // The default in-memory locker: one web process serves an upload's requests one at a time.
  return new Server(options as ServerOptions & { datastore: FileStore });
}

let server: Server | undefined;

/** The upload server, created on first use. */
export function uploadServer(): Server {
  server ??= createUploadServer();
  return server;
}
