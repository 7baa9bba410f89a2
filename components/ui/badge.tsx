import type { ComponentProps } from "react";
import { cx } from "./cx";

const TONES = {
  brand: "bg-rose-500 text-white",
  warning: "bg-amber-500/20 text-amber-300",
  muted: "bg-zinc-800 text-zinc-400",
  success: "bg-emerald-500 text-emerald-950",
  favorite: "bg-amber-400 text-amber-950",
  neutral: "bg-zinc-700 text-zinc-200",
} as const;

const SIZES = {
  xs: "px-1.5 text-[10px]",
  sm: "px-1.5 text-xs",
  md: "px-2 text-xs",
  lg: "px-2 text-sm",
} as const;

export type TBadgeTone = keyof typeof TONES;

/** A small rounded label: scores, streamer status and kind, review state. */
export function Badge({
  tone = "muted",
  size = "sm",
  className,
  ...props
}: ComponentProps<"span"> & { tone?: TBadgeTone; size?: keyof typeof SIZES }) {
  return <span className={cx("rounded py-0.5 font-semibold", SIZES[size], TONES[tone], className)} {...props} />;
}
