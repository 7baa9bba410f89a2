"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { authClient } from "@/lib/auth/client";
import { Button, buttonClass } from "./ui/button";
import { Logo } from "./ui/logo";

export function AppHeader({ email }: { email: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const nav = [
    ["/dashboard", "Dashboard"],
    ["/review", "Review"],
    ["/clips", "Clips"],
    ["/search", "Search"],
    ["/analytics", "Analytics"],
  ] as const;
  return (
    <header className="sticky top-0 z-10 border-b border-zinc-800 bg-zinc-950/90 backdrop-blur">
      <div className="mx-auto flex max-w-6xl items-center justify-between px-4 py-3">
        <Link href="/dashboard">
          <Logo />
        </Link>
        <div className="flex items-center gap-3 text-sm">
          <span className="hidden text-zinc-400 sm:inline">{email}</span>
          <Link href="/settings" className={buttonClass("ghost")}>
            Settings
          </Link>
          <Button
            variant="ghost"
            onClick={async () => {
              await authClient.signOut();
              router.replace("/sign-in");
              router.refresh();
            }}
          >
            Sign out
          </Button>
        </div>
      </div>
      <nav
        aria-label="Studio"
        className="mx-auto flex max-w-6xl gap-0.5 overflow-x-auto px-2 pb-2 text-sm sm:gap-1 sm:px-3"
      >
        {nav.map(([href, label]) => (
          <Link
            key={href}
            href={href}
            aria-current={pathname === href ? "page" : undefined}
            className="shrink-0 rounded-md px-2.5 py-1.5 text-zinc-400 sm:px-3 hover:bg-zinc-800 hover:text-zinc-100 aria-[current=page]:bg-zinc-800 aria-[current=page]:text-zinc-50"
          >
            {label}
          </Link>
        ))}
      </nav>
    </header>
  );
}
