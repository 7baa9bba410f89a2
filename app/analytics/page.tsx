import { redirect } from "next/navigation";
import { Suspense } from "react";
import { AnalyticsView } from "@/components/analytics/analytics-view";
import { AppHeader } from "@/components/app-header";
import { getSessionUser } from "@/lib/auth/server";

export const metadata = { title: "Analytics" };
export const dynamic = "force-dynamic";

export default async function AnalyticsPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return (
    <>
      <AppHeader email={user.email} />
      <Suspense>
        <AnalyticsView />
      </Suspense>
    </>
  );
}
