import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { getClipWaveform } from "@/lib/studio/clip-waveform";

export const GET = api<{ id: string }>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json(await getClipWaveform(user.id, id));
});
