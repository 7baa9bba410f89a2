export function Logo({ className = "" }: { className?: string }) {
  return (
    <div className={`flex items-center gap-2 font-semibold tracking-tight ${className}`}>
      <span className="grid size-7 place-items-center rounded-lg bg-rose-500 text-sm text-white">▶</span>
      <span>Clipstream</span>
    </div>
  );
}
