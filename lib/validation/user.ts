import { z } from "zod";

export const emailSchema = z
  .string({ error: "Enter your e-mail address." })
  .trim()
  .toLowerCase()
  .max(254, "E-mail address is too long.")
  .pipe(z.email("Enter a valid e-mail address."));

export const newPasswordSchema = z
  .string({ error: "Choose a password." })
  .min(8, "Use at least 8 characters.")
  .max(200, "Use at most 200 characters.");

export const signUpSchema = z.object({
  name: z.string({ error: "Enter your name." }).trim().min(1, "Enter your name.").max(100, "At most 100 characters."),
  email: emailSchema,
  password: newPasswordSchema,
});
export type SignUpInput = z.infer<typeof signUpSchema>;

export const credentialsSchema = z.object({
  email: emailSchema,
  password: z.string({ error: "Enter your password." }).min(1, "Enter your password.").max(200),
});

export const tokenOptionsSchema = z.object({
  name: z.string().trim().min(1, "Give the token a name.").max(100, "At most 100 characters.").default("API token"),
  expiresInDays: z
    .number({ error: "Choose how many days the token lasts." })
    .int()
    .min(1, "At least 1 day.")
    .max(365, "At most 365 days.")
    .default(90),
});

export const createTokenSchema = credentialsSchema.extend(tokenOptionsSchema.shape);
export type CreateTokenInput = z.infer<typeof createTokenSchema>;

export const changePasswordSchema = z
  .object({
    currentPassword: z.string({ error: "Enter your current password." }).min(1, "Enter your current password.").max(200),
    newPassword: newPasswordSchema,
  })
  .refine((v) => v.currentPassword !== v.newPassword, {
    path: ["newPassword"],
    message: "Choose a password different from the current one.",
  });
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;
