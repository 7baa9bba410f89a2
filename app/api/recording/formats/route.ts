import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { recordingFormats } from "@/lib/recording/recording-formats";

/** What this server's ffmpeg can make: outputs with their encoders (or what is missing), quality presets. */
export const GET = api(async () => {
  await requireUser();
  return Response.json(await recordingFormats());
});
