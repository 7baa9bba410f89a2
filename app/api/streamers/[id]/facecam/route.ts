import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import { getFacecam } from "@/lib/streamers/get-facecam";
import { setFacecam } from "@/lib/streamers/set-facecam";
import { ZFacecamBox } from "@/lib/studio/reframe/facecam-box";

type P = { id: string };

/** The facecam box (fractions of the frame) and a still frame of the stream to draw it on. */
export const GET = api<P>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json(await getFacecam(user.id, id));
});

/** Sets the facecam box the split export layout puts on top. */
export const PUT = api<P>(async (req, { id }) => {
  const user = await requireUser();
  return Response.json(await setFacecam(user.id, id, await readJson(req, ZFacecamBox)));
});

/** Clears it (split exports are refused until a box is chosen again). */
export const DELETE = api<P>(async (_req, { id }) => {
  const user = await requireUser();
  return Response.json(await setFacecam(user.id, id, null));
});
