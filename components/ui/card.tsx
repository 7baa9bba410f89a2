import type { ComponentPropsWithoutRef, ElementType } from "react";
import { cx } from "./cx";

type TCardProps<T extends ElementType> = { as?: T } & ComponentPropsWithoutRef<T>;

/** The `.card` surface (app/globals.css) as any element: `<Card as="section" aria-label="…">`, `<Card as={Link}>`. */
export function Card<T extends ElementType = "div">({ as, className, ...props }: TCardProps<T>) {
  const Tag: ElementType = as ?? "div";
  return <Tag className={cx("card", className)} {...props} />;
}
