import { requireUser } from "@/lib/auth/server";
import { prisma } from "@/lib/db";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import { addStreamer } from "@/lib/streamers/add-streamer";
import { streamerSelect, ZCreateStreamer } from "@/lib/streamers/streamers";

export const GET = api(async () => {
  const user = await requireUser();
  const streamers = await prisma.streamer.findMany({
    where: { userId: user.id, archivedAt: null },
    select: streamerSelect,
    orderBy: { createdAt: "desc" },
  });
  return Response.json({ streamers });
});

export const POST = api(async (req) => {
  const user = await requireUser();
  const input = await readJson(req, ZCreateStreamer);
  return Response.json({ streamer: await addStreamer(user.id, input) }, { status: 201 });
});
