import { Inngest } from "inngest";

/**
 * The one Inngest client. With INNGEST_EVENT_KEY / INNGEST_SIGNING_KEY it talks to Inngest Cloud; with
 * INNGEST_DEV=<url> (or INNGEST_BASE_URL) to a self-hosted `inngest start` or to Clipstream's embedded
 * runner (lib/jobs), which executes these same functions durably with state in PostgreSQL.
 */
export const inngest = new Inngest({ id: "clipstream" });
