import { useRef, useState, type PointerEvent } from "react";

export type TSwipe = ReturnType<typeof useSwipe>;

/**
 * A horizontal swipe with a finger or pen (mouse pointers are ignored, so text stays selectable and the video
 * controls clickable): `dx` follows the pointer while the move is more sideways than vertical, and a release
 * past `threshold` px calls `onSwipe`. `progress` (0–1) is how far towards the threshold the pointer is.
 */
export function useSwipe({
  threshold,
  onSwipe,
}: {
  threshold: number;
  onSwipe: (direction: "left" | "right") => void;
}) {
  const [dx, setDx] = useState(0);
  const start = useRef<{ x: number; y: number; id: number } | null>(null);
  const onPointerDown = (e: PointerEvent) => {
    if (e.pointerType === "mouse") return;
    start.current = { x: e.clientX, y: e.clientY, id: e.pointerId };
  };
  const onPointerMove = (e: PointerEvent) => {
    if (!start.current || start.current.id !== e.pointerId) return;
    const mx = e.clientX - start.current.x;
    if (Math.abs(mx) > Math.abs(e.clientY - start.current.y)) setDx(mx);
  };
  const onPointerEnd = () => {
    if (dx > threshold) onSwipe("right");
    else if (dx < -threshold) onSwipe("left");
    start.current = null;
    setDx(0);
  };
  return {
    dx,
    progress: Math.min(1, Math.abs(dx) / threshold),
    handlers: { onPointerDown, onPointerMove, onPointerUp: onPointerEnd, onPointerCancel: onPointerEnd },
  };
}
