import { useSyncExternalStore } from "react";
import { CAPTION_STYLE_IDS, DEFAULT_CAPTION_STYLE, type TCaptionStyleId } from "@/lib/studio/caption-styles";

/** The caption style last picked on this device (each export row keeps the style it was burned with). */
const KEY = "clipstream.captionStyle";
const listeners = new Set<() => void>();

function read(): TCaptionStyleId {
  const saved = localStorage.getItem(KEY);
  return saved && (CAPTION_STYLE_IDS as string[]).includes(saved) ? (saved as TCaptionStyleId) : DEFAULT_CAPTION_STYLE;
}

function subscribe(onChange: () => void) {
  listeners.add(onChange);
  window.addEventListener("storage", onChange);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener("storage", onChange);
  };
}

/** The remembered caption style and its setter (the server render uses the default). */
export function useCaptionStyle(): [TCaptionStyleId, (id: TCaptionStyleId) => void] {
  const style = useSyncExternalStore(subscribe, read, () => DEFAULT_CAPTION_STYLE);
  const set = (id: TCaptionStyleId) => {
    localStorage.setItem(KEY, id);
    listeners.forEach((l) => l());
  };
  return [style, set];
}
