/** Joins class names, skipping empty ones (a base class first, then the caller's). */
export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(" ");
}
