import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { recordingStatus, startRecordingNow, stopRecordingNow } from "@/lib/recording/recording-control";

type P = { id: string };

/** The streamer's recording in progress (`{ recording: null }` when none). */
export const GET = api<P>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json({ recording: await recordingStatus(user.id, id) });
});

/** Start recording now, without waiting for the poll. */
export const POST = api<P>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json({ recording: await startRecordingNow(user.id, id) }, { status: 201 });
});

/** Stop the recording in progress; this broadcast is not recorded again unless started. */
export const DELETE = api<P>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json(await stopRecordingNow(user.id, id));
});
