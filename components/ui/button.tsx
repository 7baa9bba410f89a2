import type { ComponentProps } from "react";
import { cx } from "./cx";

/** The `.btn-primary` / `.btn-ghost` classes in app/globals.css. */
export type TButtonVariant = "primary" | "ghost";

/** Button look for elements that are not buttons (a `Link` or a download `<a>`). */
export function buttonClass(variant: TButtonVariant, className?: string): string {
  return cx(`btn-${variant}`, className);
}

/** A `<button>` (no default `type`, so inside a form it submits, as a plain button does). */
export function Button({
  variant = "ghost",
  className,
  ...props
}: ComponentProps<"button"> & { variant?: TButtonVariant }) {
  return <button className={buttonClass(variant, className)} {...props} />;
}
