/**
 * App sync: the runner PUTs the app's serve URL; the SDK then POSTs its function configs to the runner's
 * /fn/register (runner-api.ts). Retried until the app answers, then repeated to pick up code reloads.
 */
import { signRequest } from "@/lib/signing";
import { RUNNER_SIGNATURE_HEADER } from "./runner-auth";
import { log } from "./store";

export class AppSync {
  /** True once the app registered its functions. */
  synced = false;
  private stopping = false;
  private waitingLogged = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly serveUrl: URL,
    private readonly signingSecret: string,
    private readonly intervalMs: number,
  ) {}

  /** `runnerUrl` is where the app must send its registration (named in the hint when it does not). */
  start(runnerUrl: string) {
    void (async () => {
      for (let delay = 250; !this.stopping; delay = Math.min(delay * 2, 5000)) {
        if (await this.syncOnce(runnerUrl)) break;
        await new Promise((r) => this.timers.push(setTimeout(r, delay)));
      }
    })();
    if (this.intervalMs > 0)
      this.timers.push(setInterval(() => void (this.synced && this.syncOnce(runnerUrl)), this.intervalMs));
  }

  /** The SDK's POST /fn/register arrived. */
  registered(functions: number) {
    if (!this.synced) log(`registered ${functions} functions`);
    this.synced = true;
  }

  stop() {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
  }

  private async syncOnce(runnerUrl: string): Promise<boolean> {
    const { serveUrl } = this;
    try {
      const signature = signRequest(this.signingSecret, "PUT", `${serveUrl.pathname}${serveUrl.search}`, "");
      const headers = { [RUNNER_SIGNATURE_HEADER]: signature };
      const res = await fetch(serveUrl, { method: "PUT", headers, signal: AbortSignal.timeout(30_000) });
      const body = (await res.json().catch(() => ({}))) as { message?: string };
      if (res.ok) return true;
      // The SDK answers 500 "Failed to register" when its POST /fn/register went somewhere else.
      const hint = res.status === 500 ? ` (is INNGEST_DEV=${runnerUrl} set in the app?)` : "";
      if (!this.synced) log(`sync: ${serveUrl.href} answered ${res.status} ${body.message ?? ""}${hint}`);
    } catch (err) {
      if (!this.stopping && !this.synced && !this.waitingLogged) {
        log(`sync: waiting for the app at ${serveUrl.href} (${(err as Error).message})`);
      }
      this.waitingLogged = true;
    }
    return false;
  }
}
