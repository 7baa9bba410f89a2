import { requireUser } from "@/lib/auth/server";
import { api } from "@/lib/http/api";
import { readJson } from "@/lib/http/read-json";
import {
  removeSubscription,
  saveSubscription,
  ZPushSubscription,
  ZPushUnsubscribe,
} from "@/lib/notifications/subscriptions";

/** This browser gets clip notifications: its PushSubscription.toJSON(). */
export const POST = api(async (req) => {
  const user = await requireUser();
  const status = await saveSubscription(
    user.id,
    await readJson(req, ZPushSubscription),
    req.headers.get("user-agent") ?? "",
  );
  return Response.json(status, { status: 201 });
});

/** This browser no longer gets them: `{ endpoint }`. */
export const DELETE = api(async (req) => {
  const user = await requireUser();
  return Response.json(await removeSubscription(user.id, await readJson(req, ZPushUnsubscribe)));
});
