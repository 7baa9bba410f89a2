"use client";
import { useState, type FormEvent } from "react";
import { useAddStreamer } from "./hooks/use-streamers";
import { Button } from "./ui/button";
import { Card } from "./ui/card";

export function AddStreamerForm() {
  const [source, setSource] = useState("");
  const [name, setName] = useState("");
  const add = useAddStreamer({
    onSuccess: () => {
      setSource("");
      setName("");
    },
  });
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    add.mutate({ source, name: name.trim() || undefined });
  }
  return (
    <Card as="form" onSubmit={onSubmit} className="space-y-3 p-4" aria-label="Add a streamer">
      <h2 className="text-sm font-semibold">Add a streamer</h2>
      <label className="block">
        <span className="text-xs text-zinc-400">Stream URL (HLS .m3u8, RTMP or HTTP) or pump.fun coin</span>
        <input
          className="input"
          name="source"
          value={source}
          onChange={(e) => setSource(e.target.value)}
          placeholder="https://example.com/live/stream.m3u8"
          inputMode="url"
          autoComplete="off"
          aria-describedby="source-hint"
          required
        />
        <span id="source-hint" className="mt-1 block text-xs text-zinc-500">
          pump.fun: paste the coin link (https://pump.fun/coin/…) or its mint id; we record whenever it goes live. A
          room on your LiveKit server: livekit:&lt;room&gt;.
        </span>
      </label>
      <label className="block">
        <span className="text-xs text-zinc-400">Name (optional)</span>
        <input className="input" name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} />
      </label>
      {add.error && (
        <p role="alert" className="rounded-md bg-red-500/10 px-3 py-2 text-sm text-red-300">
          {add.error.message}
        </p>
      )}
      <Button variant="primary" className="w-full sm:w-auto" disabled={add.isPending}>
        {add.isPending ? "Adding…" : "Add streamer"}
      </Button>
    </Card>
  );
}
