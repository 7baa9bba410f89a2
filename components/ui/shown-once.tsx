"use client";
import { useState } from "react";
import { Button } from "./button";

/**
 * A secret the server will not show again (an API token, a webhook signing secret): the text saying so, the
 * value, Copy and Done. `testId` names the value's element for end-to-end tests.
 */
export function ShownOnce({
  title,
  value,
  testId,
  onDone,
}: {
  title: string;
  value: string;
  testId: string;
  onDone: () => void;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="space-y-2 rounded-md border border-emerald-500/40 bg-emerald-500/10 p-3">
      <p className="text-sm text-emerald-200">{title}</p>
      <code data-testid={testId} className="block break-all rounded bg-zinc-950 px-2 py-1.5 font-mono text-xs">
        {value}
      </code>
      <div className="flex gap-2">
        <Button
          type="button"
          variant="primary"
          onClick={() =>
            void navigator.clipboard.writeText(value).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? "Copied" : "Copy"}
        </Button>
        <Button type="button" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
