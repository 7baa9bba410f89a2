"use client";
import { useCreateIngress } from "./hooks/use-streamers";
import { Button } from "./ui/button";

/**
 * For a LiveKit room streamer who pushes directly (OBS…): creates an RTMP or WHIP ingress into the room and
 * shows its URL and stream key once. Clipstream does not store the key; create a new ingress if it is lost.
 */
export function LivekitIngress({ streamerId }: { streamerId: string }) {
  const create = useCreateIngress(streamerId);
  const ingress = create.data;
  return (
    <section aria-label="Push to this room" className="mt-2 space-y-2 rounded-lg bg-zinc-950 p-3">
      <p className="text-xs text-zinc-400">Push from OBS or a browser straight into this LiveKit room.</p>
      <div className="flex flex-wrap gap-2">
        {(["rtmp", "whip"] as const).map((type) => (
          <Button
            key={type}
            type="button"
            variant="ghost"
            className="text-xs"
            disabled={create.isPending}
            onClick={() => create.mutate(type)}
          >
            Create {type.toUpperCase()} ingress
          </Button>
        ))}
      </div>
      {create.error && (
        <p role="alert" className="rounded-md bg-red-500/10 px-3 py-2 text-sm text-red-300">
          {create.error.message}
        </p>
      )}
      {ingress && (
        <dl className="space-y-1 text-xs" aria-label={`${ingress.type.toUpperCase()} ingress`}>
          <dt className="text-zinc-500">URL</dt>
          <dd className="break-all font-mono text-zinc-200">{ingress.url}</dd>
          <dt className="text-zinc-500">Stream key (shown once, not stored by Clipstream)</dt>
          <dd className="break-all font-mono text-zinc-200">{ingress.streamKey}</dd>
        </dl>
      )}
    </section>
  );
}
