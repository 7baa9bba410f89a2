import http from "node:http";
import https from "node:https";
import { signRequest } from "@/lib/signing";
import { headers as H } from "./protocol";
import { RUNNER_SIGNATURE_HEADER } from "./runner-auth";

const REQUEST_TIMEOUT_MS = 15 * 60 * 1000; // above Next's maxDuration (800 s) for long steps

export type THttpResult =
  { kind: "net"; error: string } | { kind: "http"; status: number; headers: http.IncomingHttpHeaders; body: string };

/**
 * POST with node:http: unlike fetch it has no 300 s headers timeout, and steps may run for minutes. `signal`
 * aborts the request (the run's lease was lost): it resolves as a network failure.
 */
export function postJson(url: URL, body: string, secret: string, signal?: AbortSignal): Promise<THttpResult> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ kind: "net", error: "aborted: the run's lease was lost" });
    const lib = url.protocol === "https:" ? https : http;
    const req = lib.request(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          [H.serverKind]: "dev",
          [RUNNER_SIGNATURE_HEADER]: signRequest(secret, "POST", `${url.pathname}${url.search}`, body),
        },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            kind: "http",
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", (err) => resolve({ kind: "net", error: err.message }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    // One lease signal serves every step request of the run: each removes its listener when it closes.
    const abort = () => req.destroy(new Error("aborted: the run's lease was lost"));
    signal?.addEventListener("abort", abort, { once: true });
    req.on("close", () => signal?.removeEventListener("abort", abort));
    req.on("error", (err) => resolve({ kind: "net", error: err.message || String(err) }));
    req.end(body);
  });
}
