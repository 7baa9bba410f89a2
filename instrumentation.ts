/**
 * Next.js runs `register` once when a server process starts. Each long-lived web process dispatches outgoing
 * webhook deliveries as the row triggers announce them (lib/outgoing-webhooks/dispatch.ts); where no process
 * lives on (serverless), the dispatch-webhooks cron does it every minute.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  if (!process.env.DATABASE_URL) return;
  const { startWebhookDispatcher } = await import("./lib/outgoing-webhooks/dispatch");
  startWebhookDispatcher(process.env.DATABASE_URL);
}
