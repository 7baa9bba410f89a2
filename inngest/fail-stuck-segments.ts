import { inngest } from "./client";
import { failStuckSegments } from "@/lib/segments/fail-stuck-segments";

/** Every 10 minutes: segments stuck in PROCESSING (no progress for an hour) become ERROR with a Retry. */
export const failStuckSegmentsCron = inngest.createFunction(
  { id: "fail-stuck-segments", name: "Fail stuck segments", triggers: [{ cron: "*/10 * * * *" }], retries: 2 },
  async ({ step }) => step.run("fail-stuck", () => failStuckSegments()),
);
