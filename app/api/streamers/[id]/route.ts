import { requireUser } from "@/lib/auth/server";
import { prisma } from "@/lib/db";
import { api } from "@/lib/http/api";
import { AppError } from "@/lib/http/errors";
import { readJson } from "@/lib/http/read-json";
import { patchStreamer } from "@/lib/streamers/patch-streamer";
import { removeStreamer, ZRemoveStreamer } from "@/lib/streamers/remove-streamer";
import { streamerSelect, ZUpdateStreamer } from "@/lib/streamers/streamers";

type P = { id: string };

export const GET = api<P>(async (_req, { id }) => {
  const user = await requireUser();
  const streamer = await prisma.streamer.findFirst({
    where: { id, userId: user.id, archivedAt: null },
    select: streamerSelect,
  });
  if (!streamer) throw new AppError("not_found", "Streamer not found.");
  return Response.json({ streamer });
});

export const PATCH = api<P>(async (req, { id }) => {
  const user = await requireUser();
  const streamer = await patchStreamer(user.id, id, await readJson(req, ZUpdateStreamer));
  return Response.json({ streamer });
});

/** `?clips=keep` archives the streamer and keeps its sessions and clips; `?clips=delete` removes them and their media. */
export const DELETE = api<P>(async (req, { id }) => {
  const user = await requireUser();
  const { clips } = ZRemoveStreamer.parse(Object.fromEntries(new URL(req.url).searchParams));
  const result = await removeStreamer(user.id, id, clips);
  return Response.json(result);
});
