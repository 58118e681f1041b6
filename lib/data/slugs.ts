import { isUniqueViolation } from "@/db/errors";
import { AppError } from "@/lib/errors";
import { firstFreeSlug, slugify } from "@/lib/slug";

/**
 * Inserts a row under a slug. Without an explicit slug the first free one derived from the
 * title is taken (`my-show`, `my-show-2`…); an explicit slug that is taken is a conflict on the
 * `slug` field that names a free one. Races with a concurrent insert are retried.
 */
export async function withFreeSlug<T>(opts: {
  explicit: string | undefined;
  title: string;
  takenLike: (base: string) => Promise<Set<string>>;
  insert: (slug: string) => Promise<T>;
}): Promise<T> {
  const base = opts.explicit ?? slugify(opts.title);
  for (let attempt = 0; attempt < 5; attempt++) {
    const taken = await opts.takenLike(base);
    if (opts.explicit && taken.has(base)) throw slugTaken(base, firstFreeSlug(base, taken));
    try {
      return await opts.insert(firstFreeSlug(base, taken));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }
  throw new AppError("conflict", "Could not find a free slug; try again.");
}

export function slugTaken(slug: string, suggestion: string) {
  return new AppError("conflict", `The slug "${slug}" is already taken.`, {
    fields: { slug: `"${slug}" is already taken. Try "${suggestion}".` },
    details: { suggestion },
  });
}
