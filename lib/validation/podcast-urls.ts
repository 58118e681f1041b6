import { z } from "zod";

/** A full http(s) address (what a listener's browser can open). */
export const httpUrlSchema = z
  .string({ error: "Enter a full http(s) address." })
  .trim()
  .max(500, "At most 500 characters.")
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "https:" || u.protocol === "http:") && u.hostname !== "";
    } catch {
      return false;
    }
  }, "Enter a full http(s) address.");
