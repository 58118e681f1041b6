import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Keep in step with ./pg.ts: db/schema/parity.test.ts fails on any difference.

const id = () => text("id").primaryKey();
const createdAt = () => integer("created_at", { mode: "timestamp_ms" }).notNull();
const updatedAt = () => integer("updated_at", { mode: "timestamp_ms" }).notNull();

export const users = sqliteTable("users", {
  id: id(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  // Bumped on password change / sign-out-everywhere; sessions carrying an older value are void.
  sessionVersion: integer("session_version").notNull().default(1),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const mediaFiles = sqliteTable(
  "media_files",
  {
    id: id(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["audio", "image"] }).notNull(),
    originalFilename: text("original_filename").notNull(),
    storageKey: text("storage_key").notNull().unique(),
    mimeType: text("mime_type").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    sha256: text("sha256").notNull(),
    durationSeconds: real("duration_seconds"),
    codec: text("codec"),
    sampleRate: integer("sample_rate"),
    channels: integer("channels"),
    width: integer("width"),
    height: integer("height"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("media_files_owner_sha256_uq").on(t.ownerId, t.sha256)],
);

/**
 * Uploads a client sends straight to object storage (a multipart upload with presigned part
 * URLs, lib/data/direct-uploads.ts); the row is removed when the upload completes or is aborted,
 * and ones left past `expires_at` are aborted by a sweep.
 */
export const directUploads = sqliteTable(
  "direct_uploads",
  {
    id: id(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    storageKey: text("storage_key").notNull().unique(),
    multipartId: text("multipart_id").notNull(),
    originalFilename: text("original_filename").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    partSize: integer("part_size").notNull(),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("direct_uploads_owner_idx").on(t.ownerId), index("direct_uploads_expires_idx").on(t.expiresAt)],
);

export const podcasts = sqliteTable(
  "podcasts",
  {
    id: id(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    slug: text("slug").notNull().unique(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    author: text("author").notNull().default(""),
    ownerName: text("owner_name").notNull().default(""),
    ownerEmail: text("owner_email").notNull().default(""),
    language: text("language").notNull().default("en"),
    category: text("category"),
    subcategory: text("subcategory"),
    explicit: integer("explicit", { mode: "boolean" }).notNull().default(false),
    type: text("type", { enum: ["episodic", "serial"] }).notNull().default("episodic"),
    website: text("website"),
    copyright: text("copyright"),
    coverFileId: text("cover_file_id").references(() => mediaFiles.id, { onDelete: "restrict" }),
    // The cover's average colour ("#rrggbb") for the public pages; null until computed (lib/data/accent.ts).
    accentColor: text("accent_color"),
    introFileId: text("intro_file_id").references(() => mediaFiles.id, { onDelete: "restrict" }),
    outroFileId: text("outro_file_id").references(() => mediaFiles.id, { onDelete: "restrict" }),
    // Processing defaults for new episodes (lib/validation/processing.ts); null = the app's defaults.
    // Public unless made private: a private podcast's pages, feed and audio answer 404.
    isPrivate: integer("is_private", { mode: "boolean" }).notNull().default(false),
    // Podcasting 2.0 podcast:locked (other hosts may not import the feed).
    locked: integer("locked", { mode: "boolean" }).notNull().default(true),
    // itunes:new-feed-url when the show moves elsewhere.
    newFeedUrl: text("new_feed_url"),
    // The show moved away from this app: its feed answers 301 to this URL (lib/data/podcasts.ts).
    movedToFeedUrl: text("moved_to_feed_url"),
    // Imported shows: the old host's feed URL (re-import = sync, "Check redirect") and its
    // podcast:guid, kept so apps that follow the GUID find the same show.
    importedFromUrl: text("imported_from_url"),
    sourcePodcastGuid: text("source_podcast_guid"),
    // The podcast:guid this show was given the first time its feed was built (from that feed
    // URL), kept for life: a new slug or host must not make it another show (PSP-1).
    podcastGuid: text("podcast_guid"),
    processing: text("processing", { mode: "json" }).$type<Record<string, unknown>>(),
    // Analytics prefix (OP3, Podtrac…) put before every enclosure URL in the feed; null = none.
    enclosurePrefix: text("enclosure_prefix"),
    // Mastering also writes an Opus rendition, listed as a podcast:alternateEnclosure (on by default).
    opusRendition: integer("opus_rendition", { mode: "boolean" }).notNull().default(true),
    // Podcasting 2.0 (lib/validation/podcasting20.ts); null = none.
    funding: text("funding", { mode: "json" }).$type<{ url: string; label: string }[]>(),
    persons: text("persons", { mode: "json" }).$type<{ name: string; role: string; group: string; img?: string; href?: string }[]>(),
    podroll: text("podroll", { mode: "json" }).$type<{ feedGuid?: string; feedUrl?: string }[]>(),
    txt: text("txt", { mode: "json" }).$type<{ purpose?: string; value: string }[]>(),
    location: text("location", { mode: "json" }).$type<{ name: string; geo?: string; osm?: string }>(),
    // "Listen on" links of the public show page (lib/validation/podcast.ts); null = none.
    listenLinks: text("listen_links", { mode: "json" }).$type<{ platform: string; url: string }[]>(),
    // Changed (a new random token) in the same transaction as every write that can alter the
    // feed, so the feed's ETag and cache key come from this row alone (lib/data/feed-version.ts).
    feedVersion: text("feed_version").notNull().default(""),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("podcasts_owner_created_idx").on(t.ownerId, t.createdAt)],
);

export const episodes = sqliteTable(
  "episodes",
  {
    id: id(),
    podcastId: text("podcast_id")
      .notNull()
      .references(() => podcasts.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    // Unique per podcast: imported GUIDs are the old host's, and two accounts may import one feed.
    guid: text("guid").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    seasonNumber: integer("season_number"),
    episodeNumber: integer("episode_number"),
    episodeType: text("episode_type", { enum: ["full", "trailer", "bonus"] })
      .notNull()
      .default("full"),
    explicit: integer("explicit", { mode: "boolean" }).notNull().default(false),
    status: text("status", {
      enum: ["draft", "processing", "ready", "scheduled", "published", "failed"],
    })
      .notNull()
      .default("draft"),
    publishAt: integer("publish_at", { mode: "timestamp_ms" }),
    publishedAt: integer("published_at", { mode: "timestamp_ms" }),
    audioFileId: text("audio_file_id").references(() => mediaFiles.id, { onDelete: "restrict" }),
    // The Opus rendition of the same master (processing writes both); null = none.
    opusFileId: text("opus_file_id").references(() => mediaFiles.id, { onDelete: "restrict" }),
    durationSeconds: integer("duration_seconds"),
    sizeBytes: integer("size_bytes"),
    coverFileId: text("cover_file_id").references(() => mediaFiles.id, { onDelete: "restrict" }),
    transcript: text("transcript"),
    transcriptFormat: text("transcript_format", { enum: ["srt", "vtt"] }),
    chapters: text("chapters", { mode: "json" }).$type<{ startSeconds: number; title: string }[]>(),
    // Podcasting 2.0 guests/crew and soundbites of the episode; null = none.
    persons: text("persons", { mode: "json" }).$type<{ name: string; role: string; group: string; img?: string; href?: string }[]>(),
    soundbites: text("soundbites", { mode: "json" }).$type<{ startTime: number; duration: number; title?: string }[]>(),
    // "subscribers": supporter-only, in subscriber feeds only (lib/data/subscriber-feed.ts), never on public URLs.
    access: text("access", { enum: ["public", "subscribers"] }).notNull().default("public"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("episodes_podcast_slug_uq").on(t.podcastId, t.slug),
    uniqueIndex("episodes_podcast_guid_uq").on(t.podcastId, t.guid),
    index("episodes_podcast_created_idx").on(t.podcastId, t.createdAt),
  ],
);

// Listeners of a private show or of supporter-only episodes: each has a feed URL of their own
// (/s/<token>/feed.xml) that can be revoked or rotated alone (lib/data/subscribers.ts).
export const podcastSubscribers = sqliteTable(
  "podcast_subscribers",
  {
    id: id(),
    podcastId: text("podcast_id")
      .notNull()
      .references(() => podcasts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    email: text("email").notNull(),
    // sha256 of the feed token (what requests are looked up by) and the token itself sealed
    // with a key derived from the auth secret, so the owner can copy the URL again later.
    tokenHash: text("token_hash").notNull().unique(),
    tokenSealed: text("token_sealed").notNull(),
    downloads: integer("downloads").notNull().default(0),
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("podcast_subscribers_podcast_email_uq").on(t.podcastId, t.email)],
);

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    // sha256 of the token; the token itself is shown once and never stored.
    tokenHash: text("token_hash").notNull().unique(),
    lastFour: text("last_four").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);


// Jobs: the embedded Inngest executor's durable state (lib/jobs/). Rows are written by the
// executor only; the dashboard reads them through lib/data/runs.ts.

export const jobEvents = sqliteTable(
  "job_events",
  {
    id: id(),
    name: text("name").notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    // The owner named by `data.userId`, so runs can be shown to them; null for system events.
    userId: text("user_id"),
    // The sender's own event id: a second event with the same id is dropped, as Inngest does.
    dedupeKey: text("dedupe_key").unique(),
    ts: integer("ts", { mode: "timestamp_ms" }).notNull(),
    // Null until the executor has started the runs this event triggers (or cancels).
    routedAt: integer("routed_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [index("job_events_routed_idx").on(t.routedAt, t.createdAt)],
);

export const jobRuns = sqliteTable(
  "job_runs",
  {
    id: id(),
    functionId: text("function_id").notNull(),
    eventId: text("event_id")
      .notNull()
      .references(() => jobEvents.id, { onDelete: "cascade" }),
    userId: text("user_id"),
    status: text("status", { enum: ["queued", "running", "completed", "failed", "cancelled"] }).notNull(),
    output: text("output", { mode: "json" }),
    error: text("error", { mode: "json" }).$type<Record<string, unknown>>(),
    // Set once parallel steps are seen: from then on every step runs in its own call.
    disableImmediate: integer("disable_immediate", { mode: "boolean" }).notNull(),
    // Completed steps so far; the next one gets this + 1 as its place in the stack.
    stepCount: integer("step_count").notNull(),
    parentRunId: text("parent_run_id"),
    parentStepId: text("parent_step_id"),
    // Up to two concurrency limits (from the function config), each as a key naming scope and value, and its limit.
    concurrencyKey1: text("concurrency_key1"),
    concurrencyLimit1: integer("concurrency_limit1"),
    concurrencyKey2: text("concurrency_key2"),
    concurrencyLimit2: integer("concurrency_limit2"),
    createdAt: createdAt(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    endedAt: integer("ended_at", { mode: "timestamp_ms" }),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("job_runs_user_created_idx").on(t.userId, t.createdAt),
    index("job_runs_function_status_idx").on(t.functionId, t.status),
  ],
);

export const jobSteps = sqliteTable(
  "job_steps",
  {
    id: id(),
    runId: text("run_id")
      .notNull()
      .references(() => jobRuns.id, { onDelete: "cascade" }),
    hashedId: text("hashed_id").notNull(),
    name: text("name").notNull(),
    op: text("op").notNull(),
    status: text("status", {
      enum: ["running", "retrying", "completed", "failed", "sleeping", "waiting", "cancelled"],
    }).notNull(),
    // Place in the run's completion order (the `stack` sent back to the SDK).
    seq: integer("seq"),
    // What the SDK gets back for this step: { type: "data", data } or { type: "error", error }.
    result: text("result", { mode: "json" }).$type<Record<string, unknown>>(),
    attempts: integer("attempts").notNull(),
    wakeAt: integer("wake_at", { mode: "timestamp_ms" }),
    childRunId: text("child_run_id"),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    endedAt: integer("ended_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("job_steps_run_hashed_uq").on(t.runId, t.hashedId)],
);

export const jobAttempts = sqliteTable(
  "job_attempts",
  {
    id: id(),
    runId: text("run_id")
      .notNull()
      .references(() => jobRuns.id, { onDelete: "cascade" }),
    // Null for an error thrown outside any step.
    stepHashedId: text("step_hashed_id"),
    attempt: integer("attempt").notNull(),
    outcome: text("outcome", { enum: ["ok", "error", "failed"] }).notNull(),
    error: text("error", { mode: "json" }).$type<Record<string, unknown>>(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    endedAt: integer("ended_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("job_attempts_run_idx").on(t.runId, t.startedAt)],
);

export const jobQueue = sqliteTable(
  "job_queue",
  {
    id: id(),
    runId: text("run_id")
      .notNull()
      .references(() => jobRuns.id, { onDelete: "cascade" }),
    // discover: call with stepId=step (after waking `stepId`'s sleep, if set); step: run stepId;
    // timeout: fail the invoke step stepId if its child has not finished.
    kind: text("kind", { enum: ["discover", "step", "timeout"] }).notNull(),
    stepId: text("step_id"),
    attempt: integer("attempt").notNull(),
    runAt: integer("run_at", { mode: "timestamp_ms" }).notNull(),
    leaseUntil: integer("lease_until", { mode: "timestamp_ms" }),
    leaseToken: text("lease_token"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("job_queue_run_kind_step_uq").on(t.runId, t.kind, t.stepId),
    index("job_queue_due_idx").on(t.runAt),
  ],
);

/**
 * One mastering of an episode: what was asked, how far it got and what it measured. The newest
 * row of an episode is its processing state; the output replaces the episode's audio only when
 * a run succeeds.
 */
export const episodeProcessing = sqliteTable(
  "episode_processing",
  {
    id: id(),
    episodeId: text("episode_id")
      .notNull()
      .references(() => episodes.id, { onDelete: "cascade" }),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    runId: text("run_id"),
    status: text("status", { enum: ["queued", "running", "succeeded", "failed", "cancelled"] }).notNull(),
    progress: real("progress").notNull().default(0),
    step: text("step"),
    error: text("error"),
    sourceFileId: text("source_file_id").references(() => mediaFiles.id, { onDelete: "set null" }),
    introFileId: text("intro_file_id").references(() => mediaFiles.id, { onDelete: "set null" }),
    outroFileId: text("outro_file_id").references(() => mediaFiles.id, { onDelete: "set null" }),
    outputFileId: text("output_file_id").references(() => mediaFiles.id, { onDelete: "set null" }),
    opusFileId: text("opus_file_id").references(() => mediaFiles.id, { onDelete: "set null" }),
    options: text("options", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    stats: text("stats", { mode: "json" }).$type<Record<string, unknown>>(),
    waveform: text("waveform", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("episode_processing_episode_created_idx").on(t.episodeId, t.createdAt)],
);

// Download analytics (lib/analytics/). No IP address is ever stored: a listener is known only by
// a hash of IP + User-Agent salted with the day's salt, and salts are deleted after two days.

/** One random salt per UTC day; the listener hashes of that day are made with it. */
export const analyticsSalts = sqliteTable("analytics_salts", {
  id: id(),
  day: text("day").notNull().unique(), // YYYY-MM-DD, UTC
  salt: text("salt").notNull(),
  createdAt: createdAt(),
});

/**
 * One listener-episode (IAB v2): the requests for one episode's audio from one IP + User-Agent
 * within 24 hours of the first. It is a download once the byte ranges fetched cover the
 * threshold (one minute of audio); `countedAt`/`countedDay` are set then, once.
 */
export const downloadSessions = sqliteTable(
  "download_sessions",
  {
    id: id(),
    episodeId: text("episode_id")
      .notNull()
      .references(() => episodes.id, { onDelete: "cascade" }),
    podcastId: text("podcast_id")
      .notNull()
      .references(() => podcasts.id, { onDelete: "cascade" }),
    listenerHash: text("listener_hash").notNull(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }).notNull(),
    requests: integer("requests").notNull(),
    totalBytes: integer("total_bytes").notNull(),
    thresholdBytes: integer("threshold_bytes").notNull(),
    coveredBytes: integer("covered_bytes").notNull(),
    // Merged, inclusive byte intervals fetched so far: [[start, end], …]; emptied once counted.
    ranges: text("ranges", { mode: "json" }).$type<[number, number][]>().notNull(),
    app: text("app").notNull(),
    device: text("device").notNull(),
    countedAt: integer("counted_at", { mode: "timestamp_ms" }),
    countedDay: text("counted_day"), // YYYY-MM-DD, UTC
  },
  (t) => [
    index("download_sessions_listener_idx").on(t.episodeId, t.listenerHash, t.startedAt),
    index("download_sessions_podcast_day_idx").on(t.podcastId, t.countedDay),
    index("download_sessions_episode_day_idx").on(t.episodeId, t.countedDay),
  ],
);

/**
 * Fixed-window counters for rate limits (lib/auth/rate-limit.ts), e.g. `signin-ip:203.0.113.7`.
 * In the database so every instance sharing it sees the same counts. `resetAt` is epoch
 * milliseconds as a plain number, so the atomic upsert can compare it in SQL on both dialects.
 */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    count: integer("count").notNull(),
    resetAt: integer("reset_at").notNull(),
  },
  (t) => [index("rate_limits_reset_idx").on(t.resetAt)],
);

/**
 * A podcast import from another host's feed (lib/data/imports.ts, inngest/functions/import-*.ts).
 * Its status is settled when the last of its items ends.
 */
export const imports = sqliteTable(
  "imports",
  {
    id: id(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    feedUrl: text("feed_url").notNull(),
    podcastId: text("podcast_id").references(() => podcasts.id, { onDelete: "set null" }),
    status: text("status", { enum: ["queued", "running", "succeeded", "partial", "failed"] }).notNull(),
    // Why the whole import failed (the feed could not be read), in plain words.
    error: text("error"),
    // What the import changed or left out (an unknown category, a cover that breaks the rules…).
    notes: text("notes", { mode: "json" }).$type<string[]>().notNull(),
    // Items of the feed already in the podcast (a sync), counted but not imported again.
    skipped: integer("skipped").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("imports_owner_created_idx").on(t.ownerId, t.createdAt)],
);

/** One episode of an import: what the old feed said about it, and how far its import got. */
export const importItems = sqliteTable(
  "import_items",
  {
    id: id(),
    importId: text("import_id")
      .notNull()
      .references(() => imports.id, { onDelete: "cascade" }),
    // Feed order (newest first, as the feed lists them): episodes are fetched in this order.
    position: integer("position").notNull(),
    guid: text("guid").notNull(),
    title: text("title").notNull(),
    // pending: not sent yet; queued: its event is out; then imported or failed.
    status: text("status", { enum: ["pending", "queued", "running", "imported", "failed"] }).notNull(),
    // Who queued it (the import, or the item whose run sent it on): a claim that runs again
    // finds what it claimed before instead of claiming more.
    queuedBy: text("queued_by"),
    error: text("error"),
    episodeId: text("episode_id").references(() => episodes.id, { onDelete: "set null" }),
    // The parsed item (lib/import/parse-feed.ts ParsedItem).
    source: text("source", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("import_items_import_guid_uq").on(t.importId, t.guid),
    index("import_items_import_position_idx").on(t.importId, t.position),
  ],
);

// Teams (lib/data/members.ts): who may do what with a podcast. The owner is also
// podcasts.owner_id, and has a row here with role "owner" (kept in step by transfer).
export const podcastMembers = sqliteTable(
  "podcast_members",
  {
    id: id(),
    podcastId: text("podcast_id")
      .notNull()
      .references(() => podcasts.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "admin", "editor", "viewer"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("podcast_members_podcast_user_uq").on(t.podcastId, t.userId), index("podcast_members_user_idx").on(t.userId)],
);

// An invitation by e-mail; only the SHA-256 of its secret token is stored.
export const podcastInvitations = sqliteTable(
  "podcast_invitations",
  {
    id: id(),
    podcastId: text("podcast_id")
      .notNull()
      .references(() => podcasts.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role", { enum: ["admin", "editor", "viewer"] }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    acceptedAt: integer("accepted_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("podcast_invitations_podcast_idx").on(t.podcastId)],
);

// Who did what to a show, newest first on its Members page.
export const podcastActivity = sqliteTable(
  "podcast_activity",
  {
    id: id(),
    podcastId: text("podcast_id")
      .notNull()
      .references(() => podcasts.id, { onDelete: "cascade" }),
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    actorName: text("actor_name").notNull(),
    action: text("action").notNull(),
    targetTitle: text("target_title").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("podcast_activity_podcast_created_idx").on(t.podcastId, t.createdAt)],
);

// A show's former slugs: its old feed, page and audio URLs answer 301 to the current ones, so
// apps subscribed before a rename keep getting episodes. A slug taken by a live show wins.
export const podcastSlugRedirects = sqliteTable(
  "podcast_slug_redirects",
  {
    slug: text("slug").primaryKey(),
    podcastId: text("podcast_id")
      .notNull()
      .references(() => podcasts.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [index("podcast_slug_redirects_podcast_idx").on(t.podcastId)],
);
