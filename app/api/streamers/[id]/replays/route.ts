import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import { listRecordings, ownStreamer } from "@/lib/recording/recording-control";
import { checkImportUrl, startReplay, ZImportUrl } from "@/lib/recording/replay";

type P = { id: string };

/** Import a recording by URL (HLS VOD or media file) and replay it into the streamer, fast or in real time. */
export const POST = api<P>(async (req, { id }) => {
  const user = await requireUser();
  await ownStreamer(user.id, id); // before the URL is fetched for anyone else's streamer
  const input = await readJson(req, ZImportUrl);
  const url = await checkImportUrl(input.url, user.id);
  const { sessionId } = await startReplay(user.id, id, { url }, input.pace);
  const recording = (await listRecordings(user.id, id)).find((r) => r.sessionId === sessionId) ?? null;
  return Response.json({ recording }, { status: 201 });
});
