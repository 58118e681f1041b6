import { z } from "zod";
import { CATEGORY_NAMES, categoryProblem } from "@/lib/apple-categories";
import { idSchema, notesSchema, optionalText, slugSchema } from "./common";
import { movedToFeedUrlSchema } from "./import";
import { noDuplicates, podcast20Fields, urlKey } from "./podcasting20";
import { httpUrlSchema } from "./podcast-urls";
import { processingOverridesSchema } from "./processing";

export { httpUrlSchema };

/** Where a show can be followed besides its feed, as the public page's "Listen on" links name them. */
export const LISTEN_PLATFORMS = ["Apple Podcasts", "Spotify", "YouTube", "Pocket Casts", "Overcast", "Podcast Index", "Fountain", "other"] as const;
export type ListenPlatform = (typeof LISTEN_PLATFORMS)[number];

export const listenLinkSchema = z.strictObject({
  platform: z.enum(LISTEN_PLATFORMS, { error: `Choose one of: ${LISTEN_PLATFORMS.join(", ")}.` }),
  url: httpUrlSchema,
});
export type ListenLink = z.infer<typeof listenLinkSchema>;
const listenLinksSchema = z
  .array(listenLinkSchema)
  .max(20, "At most 20 links.")
  .superRefine(noDuplicates((l) => [urlKey(l.url)], "This address is already in the list", "url"));

/** An analytics prefix as OP3 and Podtrac give them: an https:// address ending in "/". */
const enclosurePrefixSchema = z
  .string()
  .trim()
  .max(300, "At most 300 characters.")
  .nullish()
  .transform((v) => (v ? v : null))
  .refine((v) => v === null || (/^https:\/\/[^\s/?#]+\/[^\s?#]*$/i.test(v) && v.endsWith("/") && URL.canParse(v)), 'Enter an https:// address ending in "/", like https://op3.dev/e/.')
  // As listeners' apps will fetch it: an IDN host in punycode, quotes and brackets percent-encoded.
  .transform((v) => (v === null ? null : new URL(v).href));

export const VISIBILITIES = ["public", "private"] as const;
const visibilitySchema = z.enum(VISIBILITIES, { error: "Choose public or private." });

const podcastFields = {
  title: z.string({ error: "Enter a title." }).trim().min(1, "Enter a title.").max(200, "At most 200 characters."),
  slug: slugSchema.optional(),
  description: notesSchema(4000).default(""),
  author: z.string().trim().max(200, "At most 200 characters.").default(""),
  ownerName: z.string().trim().max(200, "At most 200 characters.").default(""),
  ownerEmail: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .refine((v) => v === "" || z.email().safeParse(v).success, "Enter a valid e-mail address.")
    .default(""),
  language: z
    .string()
    .trim()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, "Use a language code like en or en-US.")
    .default("en"),
  category: z.enum(CATEGORY_NAMES, { error: "Choose a category from Apple's list." }).nullish().transform((v) => v ?? null),
  subcategory: optionalText(100),
  explicit: z.boolean({ error: "Must be true or false." }).default(false),
  type: z.enum(["episodic", "serial"], { error: "Choose episodic or serial." }).default("episodic"),
  website: z
    .string()
    .trim()
    .max(500)
    .nullish()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || /^https?:\/\/[^\s]+$/i.test(v), "Enter a full http(s) address."),
  copyright: optionalText(300),
  coverFileId: idSchema.nullish().transform((v) => v ?? null),
  /** Intro and outro music every episode gets unless its processing says otherwise. */
  introFileId: idSchema.nullish().transform((v) => v ?? null),
  outroFileId: idSchema.nullish().transform((v) => v ?? null),
  /** Processing defaults for the podcast's episodes (any subset of the options). */
  processing: processingOverridesSchema.nullish().transform((v) => v ?? null),
  /** "Listen on" links shown on the public show page. */
  listenLinks: listenLinksSchema.default([]),
  /** Analytics prefix put before each enclosure URL in the feed (e.g. https://op3.dev/e/). */
  enclosurePrefix: enclosurePrefixSchema,
  /** Renditions: processing also writes an Opus file, listed as podcast:alternateEnclosure. */
  opusRendition: z.boolean({ error: "Must be true or false." }).default(true),
  /** Podcasting 2.0: funding, hosts and crew, podroll, txt records, location. */
  funding: podcast20Fields.funding.default([]),
  persons: podcast20Fields.persons.default([]),
  podroll: podcast20Fields.podroll.default([]),
  txt: podcast20Fields.txt.default([]),
  location: podcast20Fields.location.nullish().transform((v) => v ?? null),
  /** "private": no public page, feed or file; only subscribers' own feeds (lib/data/subscribers.ts). */
  visibility: visibilitySchema.default("public"),
};

function checkCategory(value: { category?: string | null; subcategory?: string | null }, ctx: z.RefinementCtx) {
  const problem = categoryProblem(value.category, value.subcategory);
  if (problem) ctx.addIssue({ code: "custom", path: ["subcategory"], message: problem });
}

export const createPodcastSchema = z.strictObject(podcastFields).superRefine(checkCategory);
export type CreatePodcastInput = z.infer<typeof createPodcastSchema>;

// PATCH: every field optional and without defaults, so only what is sent changes.
export const updatePodcastSchema = z.strictObject({
  title: podcastFields.title.optional(),
  slug: slugSchema.optional(),
  description: notesSchema(4000).optional(),
  author: z.string().trim().max(200).optional(),
  ownerName: z.string().trim().max(200).optional(),
  ownerEmail: podcastFields.ownerEmail.unwrap().optional(),
  language: podcastFields.language.unwrap().optional(),
  category: podcastFields.category.optional(),
  subcategory: podcastFields.subcategory.optional(),
  explicit: z.boolean({ error: "Must be true or false." }).optional(),
  type: z.enum(["episodic", "serial"], { error: "Choose episodic or serial." }).optional(),
  website: podcastFields.website.optional(),
  copyright: podcastFields.copyright.optional(),
  coverFileId: podcastFields.coverFileId.optional(),
  introFileId: podcastFields.introFileId.optional(),
  outroFileId: podcastFields.outroFileId.optional(),
  processing: podcastFields.processing.optional(),
  /** The show moved to another host: its feed answers 301 there. null moves it back. */
  movedToFeedUrl: movedToFeedUrlSchema.optional(),
  listenLinks: listenLinksSchema.optional(),
  enclosurePrefix: enclosurePrefixSchema.optional(),
  opusRendition: z.boolean({ error: "Must be true or false." }).optional(),
  funding: podcast20Fields.funding.optional(),
  persons: podcast20Fields.persons.optional(),
  podroll: podcast20Fields.podroll.optional(),
  txt: podcast20Fields.txt.optional(),
  location: podcast20Fields.location.optional(),
  visibility: visibilitySchema.optional(),
});
export type UpdatePodcastInput = z.infer<typeof updatePodcastSchema>;

/** A person as the API returns it (role and group in the taxonomy's spelling). */
export const personOutput = z.object({ name: z.string(), role: z.string(), group: z.string(), img: z.string().optional(), href: z.string().optional() });

export const podcastSchema = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  description: z.string(),
  author: z.string(),
  ownerName: z.string(),
  ownerEmail: z.string(),
  language: z.string(),
  category: z.string().nullable(),
  subcategory: z.string().nullable(),
  explicit: z.boolean(),
  type: z.enum(["episodic", "serial"]),
  website: z.string().nullable(),
  copyright: z.string().nullable(),
  coverFileId: z.string().nullable(),
  introFileId: z.string().nullable(),
  outroFileId: z.string().nullable(),
  processing: processingOverridesSchema.nullable(),
  movedToFeedUrl: z.string().nullable(),
  importedFromUrl: z.string().nullable(),
  listenLinks: z.array(listenLinkSchema),
  enclosurePrefix: z.string().nullable(),
  opusRendition: z.boolean(),
  funding: z.array(z.object({ url: z.string(), label: z.string() })),
  persons: z.array(personOutput),
  podroll: z.array(z.object({ feedGuid: z.string().optional(), feedUrl: z.string().optional() })),
  txt: z.array(z.object({ purpose: z.string().optional(), value: z.string() })),
  location: z.object({ name: z.string(), geo: z.string().optional(), osm: z.string().optional() }).nullable(),
  visibility: z.enum(VISIBILITIES),
  /** The caller's role on the show: owner, or a member's. */
  role: z.enum(["owner", "admin", "editor", "viewer"]),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
