import { json } from "@/lib/api/respond";
import { open, readJson } from "@/lib/api/handler";
import { clientIp, limitSignUp } from "@/lib/auth/rate-limit";
import { createUser } from "@/lib/data/users";
import { signUpSchema } from "@/lib/validation/user";

export const POST = open(async ({ req }) => {
  const input = await readJson(req, signUpSchema);
  await limitSignUp({ email: input.email, ip: clientIp(req.headers) });
  return json(await createUser(input), 201);
});
