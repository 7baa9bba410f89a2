/**
 * Small helpers shared by the integration tests and the benchmarks: polling for a condition, waiting for the
 * embedded runner to register the app's functions, a short real segment file, and announcing a segment through
 * the app's real, signed recorder webhook.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

/** Polls `fn` until it returns something truthy (which is returned), or throws after `ms`. */
export async function waitFor<T>(
  fn: () => Promise<T | null | undefined | false>,
  ms: number,
  what: string,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until the embedded runner has synced the app's functions (the app is served at /api/inngest). */
export async function waitForFunctions(ms = 20_000): Promise<void> {
  const { prisma } = await import("@/lib/db");
  await waitFor(
    async () => (await prisma.jobFunction.count({ where: { appId: "clipstream" } })) >= 5,
    ms,
    "function registration",
  );
}

/**
 * Signs a user up through the app's real auth route and returns the user's id and session cookie. `ip` is the
 * client address the route sees (test/app-server.ts trusts X-Forwarded-For), so each user gets its own
 * sign-up budget.
 */
export async function signUpViaApi(
  appUrl: string,
  user: { email: string; password: string; name: string; ip: string },
): Promise<{ id: string; email: string; cookie: string }> {
  const res = await fetch(`${appUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: appUrl, "x-forwarded-for": user.ip },
    body: JSON.stringify({ email: user.email, password: user.password, name: user.name }),
  });
  if (res.status !== 200) throw new Error(`sign-up of ${user.email} answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const { prisma } = await import("@/lib/db");
  const { id } = await prisma.user.findUniqueOrThrow({ where: { email: user.email }, select: { id: true } });
  return { id, email: user.email, cookie };
}

/** Writes `seconds` of small test video with a tone as MPEG-TS, like a recorded segment. */
export function makeToneSegment(file: string, seconds = 4): string {
  execFileSync("ffmpeg", [
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=160x90:rate=10:duration=${seconds}`,
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=440:sample_rate=16000:duration=${seconds}`,
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-c:a",
    "aac",
    "-shortest",
    "-f",
    "mpegts",
    file,
  ]);
  return file;
}

/** POSTs `body` to the app's recorder webhook, signed with RECORDER_SECRET exactly as the recorder does. */
export async function postRecorderWebhook(appUrl: string, body: unknown): Promise<Response> {
  const { signBody, SIGNATURE_HEADER } = await import("@/lib/signing");
  const text = JSON.stringify(body);
  return fetch(`${appUrl}/api/webhooks/recorder`, {
    method: "POST",
    headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signBody(process.env.RECORDER_SECRET!, text) },
    body: text,
  });
}

/** Stores `media` as segment `number` of the session and announces it (segments of `seconds` each). */
export async function announceSegment(
  appUrl: string,
  sessionId: string,
  number: number,
  media: string,
  seconds = 4,
): Promise<Response> {
  const { getStore, storageKeys } = await import("@/lib/storage");
  const key = storageKeys.segment(sessionId, number);
  await getStore().put(key, media, { contentType: "video/mp2t" });
  return postRecorderWebhook(appUrl, {
    type: "segment.recorded",
    sessionId,
    number,
    startOffset: number * seconds,
    duration: seconds,
    storageKey: key,
    sizeBytes: fs.statSync(media).size,
    final: false,
  });
}
