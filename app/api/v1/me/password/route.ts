import { authed, readJson } from "@/lib/api/handler";
import { changePassword } from "@/lib/data/users";
import { changePasswordSchema } from "@/lib/validation/user";

/** Changes the password; every session and every token (the one used here too) stop working. */
export const POST = authed(async ({ req, viewer }) => {
  await changePassword(viewer, await readJson(req, changePasswordSchema));
  return new Response(null, { status: 204 });
});
