import { redirect } from "next/navigation";
import { Suspense } from "react";
import { AppHeader } from "@/components/app-header";
import { ClipGallery } from "@/components/clip-gallery";
import { getSessionUser } from "@/lib/auth/server";

export const metadata = { title: "Clips" };
export const dynamic = "force-dynamic";

export default async function ClipsPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return (
    <>
      <AppHeader email={user.email} />
      <Suspense>
        <ClipGallery />
      </Suspense>
    </>
  );
}
