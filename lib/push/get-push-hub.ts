import "server-only";
import { PushHub } from "./push-hub";

const g = globalThis as unknown as { clipstreamPushHub?: PushHub };

/** The process's one PushHub (cached on globalThis, like the Prisma client, to survive dev reloads). */
export function getPushHub(): PushHub {
  g.clipstreamPushHub ??= new PushHub(() => process.env.DATABASE_URL ?? "");
  return g.clipstreamPushHub;
}
