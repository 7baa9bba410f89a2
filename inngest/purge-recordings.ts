import { inngest } from "./client";
import { purgeExpiredRecordings } from "@/lib/retention/purge-expired-recordings";
import { uploadServer } from "@/lib/uploads/upload-server";

/**
 * Hourly: delete raw recordings, leftovers and preview proxies past their retention; clips stay (ARCHITECTURE.md,
 * step 6). Uploads abandoned half-way go a day after they started.
 */
export const purgeRecordings = inngest.createFunction(
  { id: "purge-expired-recordings", name: "Delete expired recordings", triggers: [{ cron: "17 * * * *" }], retries: 2 },
  async ({ step }) => {
    const purged = await step.run("purge", () => purgeExpiredRecordings());
    const abandonedUploads = await step.run("abandoned-uploads", () => uploadServer().cleanUpExpiredUploads());
    return { ...purged, abandonedUploads };
  },
);
