"use client";
import "@/lib/zod-jitless";
import { QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { createQueryClient } from "@/lib/query-client";
import { usePushUpdates } from "./hooks/use-push-updates";

/** The one push channel of the page (GET /api/events → query invalidations). */
function PushUpdates() {
  usePushUpdates();
  return null;
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(createQueryClient);
  return (
    <QueryClientProvider client={client}>
      <PushUpdates />
      {children}
    </QueryClientProvider>
  );
}
