import { SHOW_BEHIND_SECONDS, type TLiveEdgeStatus } from "@/lib/pipeline/live-backpressure";

/**
 * "12 s behind live · transcribing later": shown on the live view and the dashboard card while a recording's
 * live edge lags (the machine cannot keep up with every stream), decodes with the fast search ("rough
 * transcript") or runs cheap signals only, its words left to the segment (lib/pipeline/live-backpressure.ts).
 * Nothing while it keeps up.
 */
export function LiveEdgeLag({ edge }: { edge: TLiveEdgeStatus | null }) {
  if (!edge?.behind) return null;
  const parts = [
    edge.lagSeconds >= SHOW_BEHIND_SECONDS ? `${edge.lagSeconds} s behind live` : null,
    edge.mode === "cheap" ? "transcribing later" : edge.mode === "fast" ? "rough transcript" : null,
  ].filter(Boolean);
  return (
    <span
      role="status"
      data-testid="live-edge-lag"
      title={
        edge.mode === "fast"
          ? "This machine is a little behind on live streams: it transcribes this one with a quicker, rougher search until it catches up."
          : "This machine cannot transcribe every live stream in real time: clips still come from loudness and keywords, and the words follow when the segment closes."
      }
      className="inline-flex items-center rounded-full bg-amber-500/15 px-2 py-0.5 text-xs font-medium text-amber-300 ring-1 ring-amber-500/40"
    >
      {parts.join(" · ")}
    </span>
  );
}
