import { inngest } from "./client";
import { purgeExpiredRecordings } from "@/lib/retention/purge-expired-recordings";

/** Hourly: delete raw recordings, leftovers and preview proxies past their retention; clips stay (ARCHITECTURE.md, step 6). */
export const purgeRecordings = inngest.createFunction(
  { id: "purge-expired-recordings", name: "Delete expired recordings", triggers: [{ cron: "17 * * * *" }], retries: 2 },
  async ({ step }) => step.run("purge", () => purgeExpiredRecordings()),
);
