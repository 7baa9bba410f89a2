import { redirect } from "next/navigation";
import { AppHeader } from "@/components/app-header";
import { Dashboard } from "@/components/dashboard";
import { getSessionUser } from "@/lib/auth/server";

export const metadata = { title: "Dashboard" };
export const dynamic = "force-dynamic";

export default async function DashboardPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return (
    <>
      <AppHeader email={user.email} />
      <Dashboard />
    </>
  );
}
