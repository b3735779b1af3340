import { expect, test } from "@playwright/test";
import { ADMIN } from "./support.ts";

/**
 * The lab's levers for one session and for scheduled faults, through the page against the real
 * admin API: a session seen by an appliance is listed, shaped on its own from the form and shown
 * shaped; a fault on the 3rd segment request is set from the form and listed in words.
 */
test("the lab shapes one session and sets a fault on the Nth request", async ({ page }) => {
  await page.request.post(`${ADMIN}admin/reset`, { data: { keepCaches: true } });
  const state = (await (await page.request.get(`${ADMIN}admin/state`)).json()) as {
    appliances: { id: string; baseUrl: string }[];
  };
  const session = `e2e-lab-${Date.now()}`;
  // Any request names its session to the appliance, even one for a file that is not there.
  await page.request.get(`${state.appliances[0]!.baseUrl}titles/e2e-lab/none.m4s`, {
    headers: { "x-session-id": session },
  });

  await page.goto("/lab");
  const sessions = page.getByRole("region", { name: "Sessions" });
  const row = sessions.getByTestId(`lab-session-${session}`);
  await expect(row).toContainText(state.appliances[0]!.id);
  await expect(row).toContainText("as its appliance");

  await sessions.getByRole("combobox", { name: "Session" }).selectOption(session);
  await sessions.getByRole("combobox", { name: "Shape with" }).selectOption("rate");
  await sessions.getByRole("spinbutton", { name: /Rate/ }).fill("0.001");
  await sessions.getByRole("button", { name: "Apply on every appliance" }).click();
  // Below the schema's 8 kbit/s: refused beside the form, nothing sent.
  await expect(sessions.getByRole("alert")).toContainText("rate:");
  await sessions.getByRole("spinbutton", { name: /Rate/ }).fill("2");
  await sessions.getByRole("button", { name: "Apply on every appliance" }).click();
  await expect(row).toContainText(/2(\.0+)? Mbit\/s/);
  const shaped = (await (await page.request.get(`${ADMIN}admin/state`)).json()) as {
    appliances: { shaping: { sessions: Record<string, string> } }[];
  };
  for (const a of shaped.appliances) expect(Object.keys(a.shaping.sessions)).toEqual([session]);

  const faults = page.getByRole("region", { name: "Faults" });
  await faults.getByRole("combobox", { name: "Counting" }).selectOption("segment");
  await faults.getByRole("combobox", { name: "When" }).selectOption("nth");
  await faults.getByRole("spinbutton", { name: "N", exact: true }).fill("3");
  await faults.getByRole("button", { name: "Inject fault" }).click();
  await expect(faults.getByRole("listitem").first()).toContainText("on the 3rd segment request");

  await row.getByRole("button", { name: "Unshape" }).click();
  await expect(row.getByRole("button", { name: "Unshape" })).toHaveCount(0);
  const after = (await (await page.request.get(`${ADMIN}admin/state`)).json()) as typeof shaped;
  for (const a of after.appliances) expect(a.shaping.sessions).toEqual({});
  await page.request.post(`${ADMIN}admin/reset`, { data: { keepCaches: true } });
});
