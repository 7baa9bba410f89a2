import { redirect } from "next/navigation";
import { AppHeader } from "@/components/app-header";
import { SessionView } from "@/components/studio/session-view";
import { getSessionUser } from "@/lib/auth/server";

export const metadata = { title: "Session" };
export const dynamic = "force-dynamic";

export default async function SessionPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const { id } = await params;
  return (
    <>
      <AppHeader email={user.email} />
      <SessionView id={id} />
    </>
  );
}
