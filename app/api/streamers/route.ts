import { inngest } from "@/inngest/client";
import { streamerCheck } from "@/inngest/events";
import { requireUser } from "@/lib/auth/server";
import { prisma } from "@/lib/db";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import { createStreamer, streamerSelect, ZCreateStreamer } from "@/lib/streamers/streamers";

export const GET = api(async () => {
  const user = await requireUser();
  const streamers = await prisma.streamer.findMany({ where: { userId: user.id }, select: streamerSelect, orderBy: { createdAt: "desc" } });
  return Response.json({ streamers });
});

export const POST = api(async (req) => {
  const user = await requireUser();
  const input = await readJson(req, ZCreateStreamer);
  const streamer = await createStreamer(user.id, input);
  // Check right away instead of waiting for the next 30-second poll.
  await inngest.send({ name: streamerCheck.name, data: { streamerId: streamer.id, userId: user.id } });
  return Response.json({ streamer }, { status: 201 });
});
