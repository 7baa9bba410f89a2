/**
 * Account basics (issue 18.5) through the app's real better-auth routes, PostgreSQL and local blob store: change
 * password; a reset link from the operator's CLI (the real `npm run user` script) and by email through a local
 * SMTP server; delete an account, which asks for the password and leaves none of its rows or files behind.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, loadApiRoutes, startRouteServer } from "./app-server";
import { signUpViaApi, waitFor } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "account-"));
const stamp = Date.now();
const mails: string[] = [];
let smtp: SMTPServer;
let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  const [appPort, runnerPort, smtpPort] = await freePorts(3);
  // A local SMTP server: what the app sends arrives here, as it would at a mail provider.
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, done) {
      let text = "";
      stream.on("data", (d: Buffer) => (text += d.toString("utf8")));
      stream.on("end", () => {
        mails.push(text);
        done();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(smtpPort, "127.0.0.1", () => r()));
  process.env.APP_URL = `http://127.0.0.1:${appPort}`;
  process.env.INNGEST_DEV = `http://127.0.0.1:${runnerPort}`;
  process.env.STORAGE_DIR = path.join(tmp, "blobs");
  process.env.RECORDER_SECRET = "account-test-recorder-secret";
  process.env.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
  process.env.MAIL_FROM = "Clipstream <clips@example.com>";
  const { prisma } = await import("@/lib/db");
  const { getStore, storageKeys } = await import("@/lib/storage");
  const server = await startRouteServer(await loadApiRoutes(), appPort);
  return { prisma, store: getStore(), storageKeys, server };
}

beforeAll(async () => {
  ctx = await setup();
}, 120_000);

afterAll(async () => {
  await ctx?.server.close();
  await new Promise<void>((r) => smtp.close(() => r()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

let n = 0;
async function newUser(password = "first-pass-123") {
  const name = `acct${++n}`;
  const email = `${name}-${stamp}@example.com`;
  const user = await signUpViaApi(ctx.server.url, { email, password, name, ip: `10.12.0.${n}` });
  return { ...user, password };
}

async function auth(p: string, json: unknown, cookie?: string) {
  const res = await fetch(`${ctx.server.url}/api/auth${p}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ctx.server.url, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(json),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as { message?: string } | null, res };
}

const signIn = (email: string, password: string) => auth("/sign-in/email", { email, password });

/** Follows better-auth's reset link (it checks the token) to the app page it lands on; returns the token. */
async function tokenFromLink(link: string): Promise<string> {
  const res = await fetch(link, { redirect: "manual" });
  expect(res.status).toBe(302);
  const landing = new URL(res.headers.get("location")!);
  expect(`${landing.origin}${landing.pathname}`).toBe(`${ctx.server.url}/reset-password`);
  return landing.searchParams.get("token")!;
}

describe("account basics", () => {
  it("change password: the current one is checked; then only the new one signs in", async () => {
    const u = await newUser();
    const wrong = await auth(
      "/change-password",
      { currentPassword: "not-my-pass", newPassword: "second-pass-456" },
      u.cookie,
    );
    expect([wrong.status, wrong.json?.message]).toEqual([400, "Invalid password"]);
    const ok = await auth(
      "/change-password",
      { currentPassword: u.password, newPassword: "second-pass-456", revokeOtherSessions: true },
      u.cookie,
    );
    expect(ok.status).toBe(200);
    expect((await signIn(u.email, u.password)).status).toBe(401);
    expect((await signIn(u.email, "second-pass-456")).status).toBe(200);
  });

  it("npm run user -- reset-password prints a one-time link that sets a new password", async () => {
    const u = await newUser();
    const run = (args: string[]) =>
      promisify(execFile)("node_modules/.bin/tsx", ["scripts/user.ts", ...args], {
        env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL },
      });
    const { stdout } = await run(["reset-password", u.email.toUpperCase()]);
    expect(stdout).toContain(`One-time link to set a new password for ${u.email.toUpperCase()} (works for 1 hour):`);
    const link = stdout.trim().split("\n").at(-1)!;
    expect(link.startsWith(`${ctx.server.url}/api/auth/reset-password/`)).toBe(true);

    const token = await tokenFromLink(link);
    expect((await auth("/reset-password", { token, newPassword: "reset-pass-789" })).status).toBe(200);
    expect((await signIn(u.email, "reset-pass-789")).status).toBe(200);
    expect((await signIn(u.email, u.password)).status).toBe(401);
    // Once only.
    const again = await auth("/reset-password", { token, newPassword: "reset-pass-000" });
    expect([again.status, again.json?.message]).toEqual([400, "Invalid token"]);

    await expect(run(["reset-password", `nobody-${stamp}@example.com`])).rejects.toMatchObject({
      code: 1,
      stderr: `No account uses the email nobody-${stamp}@example.com.\n`,
    });
    await expect(run(["reset-password"])).rejects.toMatchObject({
      code: 2,
      stderr: "usage: npm run user -- reset-password <email>\n",
    });
  }, 60_000);

  it("with SMTP_URL, a reset link arrives by email and works; an unknown email gets the same answer, no mail", async () => {
    const u = await newUser();
    const ask = (email: string) =>
      auth("/request-password-reset", { email, redirectTo: `${ctx.server.url}/reset-password` });
    const before = mails.length;
    expect((await ask(`nobody-${stamp}@example.com`)).status).toBe(200);
    expect((await ask(u.email)).status).toBe(200);
    const mail = await waitFor(async () => (mails.length > before ? mails.at(-1)! : null), 10_000, "the reset email");
    expect(mails.length).toBe(before + 1);
    expect(mail).toContain(`To: ${u.email}`);
    expect(mail).toContain("From: Clipstream <clips@example.com>");
    expect(mail).toContain("Subject: Reset your Clipstream password");
    const link = /http:\/\/127\.0\.0\.1:\d+\/api\/auth\/reset-password\/\S+/.exec(mail.replace(/=\r?\n/g, ""))![0];
    const token = await tokenFromLink(link.replace(/=3D/g, "="));
    expect((await auth("/reset-password", { token, newPassword: "mailed-pass-321" })).status).toBe(200);
    expect((await signIn(u.email, "mailed-pass-321")).status).toBe(200);
  });

  it("delete account: asks for the password, then no row or file of it is left, and nobody else's goes", async () => {
    const u = await newUser();
    const other = await newUser();
    const { prisma, store, storageKeys } = ctx;
    const seed = async (userId: string, tag: string) => {
      const streamer = await prisma.streamer.create({
        data: { userId, name: tag, kind: "URL", source: `https://93.184.215.14/${tag}.m3u8`, monitored: false },
      });
      const session = await prisma.liveSession.create({
        data: { userId, streamerId: streamer.id, segmentSeconds: 30, status: "ENDED" },
      });
      const clip = await prisma.clip.create({
        data: {
          userId,
          streamerId: streamer.id,
          sessionId: session.id,
          detectionKey: `${tag}-1`,
          startTime: 1,
          endTime: 9,
          title: tag,
          reason: "r",
          score: 70,
          engine: "test",
          status: "READY",
        },
      });
      const exp = await prisma.clipExport.create({
        data: { userId, clipId: clip.id, preset: "shorts", layout: "crop", status: "READY" },
      });
      const keys = [
        storageKeys.segment(session.id, 0),
        storageKeys.clipVideo(clip.id),
        storageKeys.exportVideo(exp.id, "shorts"),
      ];
      for (const k of keys) await store.put(k, Buffer.from(k));
      return keys;
    };
    const mine = await seed(u.id, `mine${stamp}`);
    const theirs = await seed(other.id, `theirs${stamp}`);
    const stored = async (keys: string[]) =>
      (await Promise.all(keys.map(async (k) => ((await store.stat(k)) ? k : null)))).filter(Boolean);

    const bare = await auth("/delete-user", {}, u.cookie);
    expect([bare.status, bare.json?.message]).toEqual([400, "Type your password to delete your account."]);
    const wrong = await auth("/delete-user", { password: "not-my-pass" }, u.cookie);
    expect([wrong.status, wrong.json?.message]).toEqual([400, "Invalid password"]);
    expect(await prisma.user.count({ where: { id: u.id } })).toBe(1);
    expect(await stored(mine)).toEqual(mine);

    const ok = await auth("/delete-user", { password: u.password }, u.cookie);
    expect([ok.status, ok.json]).toEqual([200, { success: true, message: "User deleted" }]);
    // The session cookie is cleared.
    expect(ok.res.headers.getSetCookie().some((c) => /session_token=;/.test(c) && /Max-Age=0/i.test(c))).toBe(true);
    expect(await prisma.user.count({ where: { id: u.id } })).toBe(0);
    for (const count of [
      prisma.streamer.count({ where: { userId: u.id } }),
      prisma.liveSession.count({ where: { userId: u.id } }),
      prisma.clip.count({ where: { userId: u.id } }),
      prisma.clipExport.count({ where: { userId: u.id } }),
      prisma.session.count({ where: { userId: u.id } }),
    ])
      expect(await count).toBe(0);
    expect(await stored(mine)).toEqual([]);
    expect(await stored(theirs)).toEqual(theirs);
    expect((await signIn(u.email, u.password)).status).toBe(401);
  });
});
