import { redirect } from "next/navigation";
import { AppHeader } from "@/components/app-header";
import { ClipView } from "@/components/clip-view";
import { getSessionUser } from "@/lib/auth/server";

export const metadata = { title: "Clip" };
export const dynamic = "force-dynamic";

export default async function ClipPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ t?: string }>;
}) {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const { id } = await params;
  const t = Number((await searchParams).t);
  return (
    <>
      <AppHeader email={user.email} />
      <ClipView id={id} startAt={Number.isFinite(t) && t > 0 ? t : undefined} />
    </>
  );
}
