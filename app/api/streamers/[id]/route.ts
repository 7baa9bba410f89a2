import { requireUser } from "@/lib/auth/server";
import { prisma } from "@/lib/db";
import { api } from "@/lib/http/api";
import { AppError } from "@/lib/http/errors";
import { readJson } from "@/lib/http/read-json";
import { stopSegmentEgress } from "@/lib/livekit/segment-egress";
import { stopRecording } from "@/lib/recorder/client";
import { patchStreamer } from "@/lib/streamers/patch-streamer";
import { deleteStreamer, streamerSelect, ZUpdateStreamer } from "@/lib/streamers/streamers";

type P = { id: string };

export const GET = api<P>(async (_req, { id }) => {
  const user = await requireUser();
  const streamer = await prisma.streamer.findFirst({ where: { id, userId: user.id }, select: streamerSelect });
  if (!streamer) throw new AppError("not_found", "Streamer not found.");
  return Response.json({ streamer });
});

export const PATCH = api<P>(async (req, { id }) => {
  const user = await requireUser();
  const streamer = await patchStreamer(user.id, id, await readJson(req, ZUpdateStreamer));
  return Response.json({ streamer });
});

export const DELETE = api<P>(async (_req, { id }) => {
  const user = await requireUser();
  const { activeSessionIds, activeEgressIds } = await deleteStreamer(user.id, id);
  await Promise.all(
    activeSessionIds.map((s) => stopRecording(s).catch((e) => console.warn(`[streamers] stop ${s}: ${e}`))),
  );
  await Promise.all(
    activeEgressIds.map((e) =>
      stopSegmentEgress(e).catch((err) => console.warn(`[streamers] stop egress ${e}: ${err}`)),
    ),
  );
  return new Response(null, { status: 204 });
});
