import { bearer, expect, test } from "./fixtures";

test.describe("smoke", () => {
  test("the landing page shows a heading and links to sign up and sign in", async ({ landingPage }) => {
    await landingPage.goto();
    await expect(landingPage.heading).toBeVisible();
    await expect(landingPage.signUpLink).toHaveAttribute("href", "/signup");
    await expect(landingPage.signInLink).toHaveAttribute("href", "/signin");
  });

  test("the health route answers ok", async ({ request }) => {
    const res = await request.get("/api/health");
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });

  test("an unknown API path answers a JSON 404", async ({ request }) => {
    const res = await request.get("/api/v1/no-such-endpoint");
    expect(res.status()).toBe(404);
    expect(res.headers()["content-type"]).toContain("application/json");
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });

  test("a user created through the API can use its token", async ({ request, user }) => {
    const res = await request.get("/api/v1/me", { headers: bearer(user.token) });
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({ id: user.id, email: user.email });
  });
});
