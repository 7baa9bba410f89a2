"use client";
import { useEffect, useRef } from "react";
import { useRemoveStreamer } from "./hooks/use-streamers";
import { Button } from "./ui/button";

/**
 * Asks what becomes of a streamer's clips before removing it (a native modal `<dialog>`: focus trap and Escape
 * come with it). With no clips there is nothing to keep, so it only confirms.
 */
export function RemoveStreamerDialog({
  streamer,
  onClose,
}: {
  streamer: { id: string; name: string; clipCount: number };
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const remove = useRemoveStreamer(streamer.id);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const n = streamer.clipCount;
  const clips = `${n} clip${n === 1 ? "" : "s"}`;
  return (
    <dialog
      ref={ref}
      aria-labelledby={`remove-${streamer.id}`}
      onClose={onClose}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-zinc-800 bg-zinc-950 p-5 text-zinc-100 backdrop:bg-black/70"
    >
      <h2 id={`remove-${streamer.id}`} className="text-base font-semibold">
        Remove {streamer.name}?
      </h2>
      <p className="mt-2 text-sm text-zinc-400">
        {n > 0
          ? `It is no longer watched or recorded. Its ${clips} can stay, playable and searchable, or go with every recording and file.`
          : "It is no longer watched or recorded, and its recordings are deleted."}
      </p>
      {remove.error && (
        <p role="alert" className="mt-2 text-sm text-red-300">
          {remove.error.message}
        </p>
      )}
      <div className="mt-4 flex flex-col gap-2 sm:flex-row-reverse">
        {n > 0 && (
          <Button
            variant="primary"
            autoFocus
            disabled={remove.isPending}
            onClick={() => remove.mutate("keep", { onSuccess: () => ref.current?.close() })}
          >
            Remove, keep {clips}
          </Button>
        )}
        <Button
          className="border-red-500/40 text-red-300 hover:border-red-400"
          disabled={remove.isPending}
          onClick={() => remove.mutate("delete", { onSuccess: () => ref.current?.close() })}
        >
          {n > 0 ? `Remove and delete ${clips}` : "Remove"}
        </Button>
        <Button disabled={remove.isPending} onClick={() => ref.current?.close()}>
          Cancel
        </Button>
      </div>
    </dialog>
  );
}
