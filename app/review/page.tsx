import { redirect } from "next/navigation";
import { AppHeader } from "@/components/app-header";
import { ReviewFeed } from "@/components/review/review-feed";
import { getSessionUser } from "@/lib/auth/server";

export const metadata = { title: "Review clips" };
export const dynamic = "force-dynamic";

export default async function ReviewPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return (
    <>
      <AppHeader email={user.email} />
      <ReviewFeed />
    </>
  );
}
