import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-sm flex-col items-center justify-center px-6 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-sm text-zinc-400">This page or clip does not exist, or is no longer shared.</p>
      <Link href="/" className={buttonClass("ghost", "mt-6")}>
        Go to Clipstream
      </Link>
    </main>
  );
}
