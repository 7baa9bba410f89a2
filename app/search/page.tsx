import { redirect } from "next/navigation";
import { Suspense } from "react";
import { AppHeader } from "@/components/app-header";
import { SearchView } from "@/components/search-view";
import { getSessionUser } from "@/lib/auth/server";

export const metadata = { title: "Search" };
export const dynamic = "force-dynamic";

export default async function SearchPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return (
    <>
      <AppHeader email={user.email} />
      <Suspense>
        <SearchView />
      </Suspense>
    </>
  );
}
