import { redirect } from "next/navigation";
import { ChangePassword, DeleteAccount } from "@/components/account-settings";
import { ApiTokens } from "@/components/api-tokens";
import { AppHeader } from "@/components/app-header";
import { NotificationSettings } from "@/components/notification-settings";
import { RetentionSettings } from "@/components/retention-settings";
import { WebhookEndpoints } from "@/components/webhook-endpoints";
import { getSessionUser } from "@/lib/auth/server";

export const metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return (
    <>
      <AppHeader email={user.email} />
      <main className="mx-auto max-w-xl space-y-4 px-4 py-6">
        <h1 className="text-lg font-semibold">Settings</h1>
        <RetentionSettings />
        <NotificationSettings />
        <ApiTokens />
        <WebhookEndpoints />
        <ChangePassword />
        <DeleteAccount />
      </main>
    </>
  );
}
