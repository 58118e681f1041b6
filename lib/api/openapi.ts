import { z } from "zod";
import { createEpisodeSchema, episodeSchema, publishSchema, updateEpisodeSchema } from "@/lib/validation/episode";
import { createPodcastSchema, podcastSchema, updatePodcastSchema } from "@/lib/validation/podcast";
import { changePasswordSchema, createTokenSchema, signUpSchema } from "@/lib/validation/user";
import {
  completeDirectUploadSchema,
  directUploadSchema,
  mediaFileSchema,
  presignPartsSchema,
  renameFileSchema,
  startDirectUploadSchema,
} from "@/lib/validation/media";
import { startProcessingSchema } from "@/lib/validation/processing";
import { createImportSchema, importSchema } from "@/lib/validation/import";
import { createSubscriberSchema, subscriberImportSchema, subscriberSchema } from "@/lib/validation/subscriber";
import { acceptInvitationSchema, invitationSchema, inviteMemberSchema, memberSchema, transferPodcastSchema, updateMemberSchema } from "@/lib/validation/members";

/** The OpenAPI 3.1 document of /api/v1, generated from the same zod schemas the routes use. */
const input = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
const output = (s: z.ZodType) => z.toJSONSchema(s, { io: "output", unrepresentable: "any", target: "draft-2020-12" });

const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
});
const userSchema = z.object({ id: z.string(), email: z.string(), name: z.string(), createdAt: z.iso.datetime() });
const tokenSchema = z.object({ token: z.string(), expiresAt: z.iso.datetime(), id: z.string() });
const tokenInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  lastFour: z.string(),
  expiresAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (name: string) => ({ required: true, content: { "application/json": { schema: ref(name) } } });
const ok = (name: string, status = "200", description = "OK") => ({
  [status]: { description, content: { "application/json": { schema: ref(name) } } },
});
const list = (name: string) => ({
  "200": {
    description: "A page, newest first",
    content: {
      "application/json": {
        schema: { type: "object", properties: { items: { type: "array", items: ref(name) }, nextCursor: { type: ["string", "null"] } } },
      },
    },
  },
});
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: "Error", content: { "application/json": { schema: ref("Error") } } }]));
const noContent = { "204": { description: "Deleted" } };
const idParam = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const subscriberIdParam = { name: "subscriberId", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const pageParams = [
  { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
  { name: "cursor", in: "query", schema: { type: "string" } },
];
const secured = { security: [{ bearer: [] }] };

export function buildOpenApiDocument() {
  return withRoleErrors({
    openapi: "3.1.0",
    info: { title: "PodcastPro API", version: "1" },
    servers: [{ url: "/api/v1" }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        Error: output(errorSchema),
        SignUp: input(signUpSchema),
        User: output(userSchema),
        CreateToken: input(createTokenSchema),
        ChangePassword: input(changePasswordSchema),
        Token: output(tokenSchema),
        TokenInfo: output(tokenInfoSchema),
        PodcastCreate: input(createPodcastSchema),
        PodcastUpdate: input(updatePodcastSchema),
        Podcast: output(podcastSchema),
        EpisodeCreate: input(createEpisodeSchema),
        EpisodeUpdate: input(updateEpisodeSchema),
        Episode: output(episodeSchema),
        MediaFile: output(mediaFileSchema),
        RenameFile: input(renameFileSchema),
        DirectUpload: output(directUploadSchema),
        StartDirectUpload: input(startDirectUploadSchema),
        PresignParts: input(presignPartsSchema),
        CompleteDirectUpload: input(completeDirectUploadSchema),
        StartProcessing: input(startProcessingSchema),
        Processing: { type: "object", description: "runId, status (queued|running|succeeded|failed|cancelled), progress 0–1, step, error, stats, options, sourceFileId, introFileId, outroFileId, outputFileId, createdAt, startedAt, finishedAt" },
        ImportCreate: input(createImportSchema),
        Import: output(importSchema),
        ImportStarted: output(z.object({ id: z.string(), status: z.literal("queued"), podcastId: z.string().nullable() })),
        SubscriberCreate: input(createSubscriberSchema),
        Subscriber: output(subscriberSchema),
        SubscriberImport: output(subscriberImportSchema),
        Run: { type: "object", description: "A background job run with its steps, attempts, timings and errors" },
        Member: output(memberSchema),
        MemberInvite: input(inviteMemberSchema),
        MemberUpdate: input(updateMemberSchema),
        Invitation: output(invitationSchema),
        AcceptInvitation: input(acceptInvitationSchema),
        InvitationAccepted: output(z.object({ podcastId: z.string(), role: z.enum(["admin", "editor", "viewer"]) })),
        Transfer: input(transferPodcastSchema),
        Activity: output(z.object({ id: z.string(), actorName: z.string(), action: z.string(), targetTitle: z.string(), createdAt: z.iso.datetime() })),
      },
    },
    paths: {
      "/users": { post: { summary: "Sign up (rate limited per address and e-mail: 429 with Retry-After)", requestBody: body("SignUp"), responses: { ...ok("User", "201", "Created"), ...errors(400, 409, 415, 422, 429) } } },
      "/tokens": {
        post: { summary: "Exchange e-mail and password for a bearer token (failures are rate limited: 429 with Retry-After)", requestBody: body("CreateToken"), responses: { ...ok("Token", "201", "Created"), ...errors(400, 401, 415, 422, 429) } },
        get: { ...secured, summary: "List your active tokens", responses: { ...list("TokenInfo"), ...errors(401) } },
      },
      "/tokens/{id}": { delete: { ...secured, summary: "Revoke a token", parameters: [idParam], responses: { ...noContent, ...errors(401, 404) } } },
      "/me": { get: { ...secured, summary: "The token's user", responses: { ...ok("User"), ...errors(401) } } },
      "/me/password": {
        post: {
          ...secured,
          summary: "Change the password: every session and every API token (this one too) stop working",
          requestBody: body("ChangePassword"),
          responses: { "204": { description: "Changed" }, ...errors(400, 401, 415, 422, 429) },
        },
      },
      "/podcasts": {
        get: { ...secured, summary: "List your podcasts", parameters: pageParams, responses: { ...list("Podcast"), ...errors(401, 422) } },
        post: { ...secured, summary: "Create a podcast", requestBody: body("PodcastCreate"), responses: { ...ok("Podcast", "201", "Created"), ...errors(400, 401, 409, 415, 422) } },
      },
      "/podcasts/{id}": {
        get: { ...secured, parameters: [idParam], responses: { ...ok("Podcast"), ...errors(401, 404) } },
        patch: { ...secured, parameters: [idParam], requestBody: body("PodcastUpdate"), responses: { ...ok("Podcast"), ...errors(400, 401, 404, 409, 415, 422) } },
        delete: { ...secured, parameters: [idParam], responses: { ...noContent, ...errors(401, 404) } },
      },
      "/podcasts/{id}/episodes": {
        get: { ...secured, parameters: [idParam, ...pageParams], responses: { ...list("Episode"), ...errors(401, 404, 422) } },
        post: { ...secured, parameters: [idParam], requestBody: body("EpisodeCreate"), responses: { ...ok("Episode", "201", "Created"), ...errors(400, 401, 404, 409, 415, 422) } },
      },
      "/podcasts/{id}/subscribers": {
        get: { ...secured, summary: "The show's subscribers and their private feed URLs", parameters: [idParam], responses: { ...list("Subscriber"), ...errors(401, 404) } },
        post: { ...secured, summary: "Add a subscriber: a private feed URL (≥ 256 random bits) with every published episode, supporter-only ones too", parameters: [idParam], requestBody: body("SubscriberCreate"), responses: { ...ok("Subscriber", "201", "Created"), ...errors(400, 401, 404, 409, 415, 422) } },
      },
      "/podcasts/{id}/subscribers/import": {
        post: {
          ...secured,
          summary: "Add subscribers from a text/csv body of name,email lines (header optional); e-mail addresses already subscribed or repeated are skipped and counted, bad lines reported by number",
          parameters: [idParam],
          requestBody: { required: true, content: { "text/csv": { schema: { type: "string" } } } },
          responses: { ...ok("SubscriberImport"), ...errors(401, 404, 409, 413, 415) },
        },
      },
      "/podcasts/{id}/subscribers/{subscriberId}": {
        delete: { ...secured, summary: "Revoke a subscriber: their feed and audio URLs answer 404", parameters: [idParam, subscriberIdParam], responses: { ...noContent, ...errors(401, 404) } },
      },
      "/podcasts/{id}/subscribers/{subscriberId}/rotate": {
        post: { ...secured, summary: "A new feed URL for the subscriber (the old one stops working; a revoked subscriber is restored)", parameters: [idParam, subscriberIdParam], responses: { ...ok("Subscriber"), ...errors(401, 404) } },
      },
      "/imports": {
        get: { ...secured, summary: "List your podcast imports", parameters: pageParams, responses: { ...list("Import"), ...errors(401, 422) } },
        post: {
          ...secured,
          summary:
            "Import a podcast from another host by its RSS feed URL (http or https). podcastId is set when the feed (or its podcast:guid) was imported before: the import then syncs that podcast, adding only new GUIDs. Poll GET /imports/{id}.",
          requestBody: body("ImportCreate"),
          responses: { ...ok("ImportStarted", "202", "Accepted"), ...errors(400, 401, 409, 415, 422) },
        },
      },
      "/imports/{id}": {
        get: { ...secured, summary: "An import's status, progress (0–1), episode counts and errors", parameters: [idParam], responses: { ...ok("Import"), ...errors(401, 404) } },
      },
      "/files": {
        get: { ...secured, summary: "List your media files", parameters: [...pageParams, { name: "kind", in: "query", schema: { type: "string", enum: ["audio", "image"] } }], responses: { ...list("MediaFile"), ...errors(401, 422) } },
        post: {
          ...secured,
          summary: "Upload a file (multipart/form-data, field `file`); 200 when the same bytes are already in your library",
          requestBody: { required: true, content: { "multipart/form-data": { schema: { type: "object", properties: { file: { type: "string", format: "binary" } }, required: ["file"] } } } },
          responses: { ...ok("MediaFile", "201", "Stored"), ...ok("MediaFile", "200", "Already in your library"), ...errors(400, 401, 413, 415, 422) },
        },
      },
      "/files/{id}": {
        get: { ...secured, parameters: [idParam], responses: { ...ok("MediaFile"), ...errors(401, 404) } },
        patch: { ...secured, parameters: [idParam], requestBody: body("RenameFile"), responses: { ...ok("MediaFile"), ...errors(400, 401, 404, 415, 422) } },
        delete: { ...secured, parameters: [idParam], responses: { ...noContent, ...errors(401, 404, 409) } },
      },
      "/uploads": {
        post: {
          ...secured,
          summary: "Begin a direct upload to object storage (multipart, presigned part URLs); 409 when the server keeps media on local disk (use POST /files)",
          requestBody: body("StartDirectUpload"),
          responses: { ...ok("DirectUpload", "201", "Begun"), ...errors(400, 401, 409, 413, 415, 422) },
        },
      },
      "/uploads/{id}": {
        get: { ...secured, summary: "An unfinished direct upload (to resume it)", parameters: [idParam], responses: { ...ok("DirectUpload"), ...errors(401, 404) } },
        delete: { ...secured, summary: "Abort a direct upload and drop its parts", parameters: [idParam], responses: { ...noContent, ...errors(401, 404, 409) } },
      },
      "/uploads/{id}/parts": {
        post: {
          ...secured,
          summary: "Presigned URLs to PUT parts to (valid one hour); each PUT answers the part's ETag",
          parameters: [idParam],
          requestBody: body("PresignParts"),
          responses: {
            "200": {
              description: "One URL per part",
              content: { "application/json": { schema: { type: "object", properties: { parts: { type: "array", items: { type: "object", properties: { partNumber: { type: "integer" }, url: { type: "string" } } } }, expiresAt: { type: "string", format: "date-time" } } } } },
            },
            ...errors(400, 401, 404, 409, 415, 422),
          },
        },
      },
      "/uploads/{id}/complete": {
        post: {
          ...secured,
          summary: "Join the parts and add the file to the library, sniffed like any upload; 200 when the same bytes are already there",
          parameters: [idParam],
          requestBody: body("CompleteDirectUpload"),
          responses: { ...ok("MediaFile", "201", "Stored"), ...ok("MediaFile", "200", "Already in your library"), ...errors(400, 401, 404, 409, 413, 415, 422) },
        },
      },
      "/files/{id}/content": { get: { ...secured, summary: "The file's bytes (byte ranges supported)", parameters: [idParam], responses: { "200": { description: "The file" }, "206": { description: "A byte range" }, ...errors(401, 404, 416) } } },
      "/episodes/{id}/process": { post: { ...secured, summary: "Master the episode's audio in the background", parameters: [idParam], requestBody: body("StartProcessing"), responses: { ...ok("Processing", "202", "Queued"), ...errors(400, 401, 404, 409, 415, 422) } } },
      "/episodes/{id}/process/cancel": { post: { ...secured, parameters: [idParam], responses: { ...ok("Processing"), ...errors(401, 404, 409) } } },
      "/episodes/{id}/audio": { get: { ...secured, summary: "The episode's current audio (byte ranges supported)", parameters: [idParam], responses: { "200": { description: "MP3" }, "206": { description: "A byte range" }, ...errors(401, 404, 416) } } },
      "/episodes/{id}/waveform": { get: { ...secured, summary: "Waveform peaks of the current audio (audiowaveform JSON)", parameters: [idParam], responses: { "200": { description: "Peaks" }, ...errors(401, 404) } } },
      "/episodes/{id}/publish": {
        post: {
          ...secured,
          summary: "Publish now, or schedule with {\"at\": ISO date}; only episodes with ready audio",
          parameters: [idParam],
          requestBody: { required: false, content: { "application/json": { schema: input(publishSchema) } } },
          responses: { ...ok("Episode"), ...errors(400, 401, 404, 409, 415, 422) },
        },
      },
      "/episodes/{id}/unpublish": { post: { ...secured, parameters: [idParam], responses: { ...ok("Episode"), ...errors(401, 404, 409) } } },
      "/episodes/{id}/transcript": {
        get: { ...secured, summary: "The episode's transcript file (SRT or WebVTT)", parameters: [idParam], responses: { "200": { description: "text/vtt or application/x-subrip" }, ...errors(401, 404) } },
        put: {
          ...secured,
          summary: "Set the transcript: the file as text/vtt or application/x-subrip, or JSON {format, text}; a bad file is 422 naming the line",
          parameters: [idParam],
          requestBody: { required: true, content: { "text/vtt": { schema: { type: "string" } }, "application/x-subrip": { schema: { type: "string" } }, "application/json": { schema: { type: "object", properties: { format: { enum: ["srt", "vtt"] }, text: { type: "string" } }, required: ["format", "text"] } } } },
          responses: { "200": { description: "{format, cueCount, sizeBytes}" }, ...errors(401, 404, 413, 415, 422) },
        },
        delete: { ...secured, parameters: [idParam], responses: { ...noContent, ...errors(401, 404) } },
      },
      "/episodes/{id}/chapters": {
        get: { ...secured, summary: "Chapters as Podcasting 2.0 JSON chapters", parameters: [idParam], responses: { "200": { description: "{version, chapters: [{startTime, title}]}" }, ...errors(401, 404) } },
        put: {
          ...secured,
          summary: "Set chapters (Podcasting 2.0 JSON chapters; an empty list removes them)",
          parameters: [idParam],
          requestBody: { required: true, content: { "application/json": { schema: { type: "object", properties: { version: { type: "string" }, chapters: { type: "array", items: { type: "object", properties: { startTime: { type: "number" }, title: { type: "string" } }, required: ["startTime", "title"] } } }, required: ["chapters"] } } } },
          responses: { "200": { description: "The stored chapters" }, ...errors(400, 401, 404, 415, 422) },
        },
      },
      "/podcasts/{id}/analytics": {
        get: {
          ...secured,
          summary: "Downloads per day (IAB v2 counting), totals, top apps and devices",
          parameters: [idParam, { name: "from", in: "query", schema: { type: "string", format: "date" } }, { name: "to", in: "query", schema: { type: "string", format: "date" } }, { name: "episodeId", in: "query", schema: { type: "string", format: "uuid" } }],
          responses: { "200": { description: "The report" }, ...errors(401, 404, 422) },
        },
      },
      "/podcasts/{id}/analytics/downloads.csv": { get: { ...secured, summary: "The same report as CSV", parameters: [idParam], responses: { "200": { description: "text/csv" }, ...errors(401, 404, 422) } } },
      "/podcasts/{id}/members": {
        get: { ...secured, summary: "The show's members (the owner included, role owner) and pending invitations (status pending); admins and the owner", parameters: [idParam], responses: { ...list("Member"), ...errors(401, 403, 404) } },
        post: { ...secured, summary: "Invite by e-mail and role: the answer carries the single-use link (valid 14 days), shown once", parameters: [idParam], requestBody: body("MemberInvite"), responses: { ...ok("Invitation", "201", "Invited"), ...errors(400, 401, 403, 404, 409, 415, 422) } },
      },
      "/podcasts/{id}/members/{memberId}": {
        patch: { ...secured, summary: "Change a member's (or a pending invitation's) role", parameters: [idParam, { ...idParam, name: "memberId" }], requestBody: body("MemberUpdate"), responses: { ...ok("Member"), ...errors(400, 401, 403, 404, 409, 415, 422) } },
        delete: { ...secured, summary: "Remove a member (effective on their next request) or revoke a pending invitation", parameters: [idParam, { ...idParam, name: "memberId" }], responses: { ...noContent, ...errors(401, 403, 404, 409) } },
      },
      "/podcasts/{id}/transfer": {
        post: { ...secured, summary: "Make another member the owner (the owner only); the old owner becomes an admin", parameters: [idParam], requestBody: body("Transfer"), responses: { ...list("Member"), ...errors(400, 401, 403, 404, 409, 415, 422) } },
      },
      "/podcasts/{id}/activity": {
        get: { ...secured, summary: "Who did what to the show, newest first (admins and the owner)", parameters: [idParam], responses: { ...list("Activity"), ...errors(401, 403, 404) } },
      },
      "/invitations/accept": {
        post: { ...secured, summary: "Accept an invitation sent to your e-mail address (single use; revoked, used or expired: 409; another address: 403)", requestBody: body("AcceptInvitation"), responses: { ...ok("InvitationAccepted"), ...errors(400, 401, 403, 404, 409, 415, 422) } },
      },
      "/runs": { get: { ...secured, summary: "Your background job runs", parameters: pageParams, responses: { ...list("Run"), ...errors(401) } } },
      "/runs/{id}": { get: { ...secured, parameters: [idParam], responses: { ...ok("Run"), ...errors(401, 404) } } },
      "/runs/{id}/cancel": { post: { ...secured, parameters: [idParam], responses: { ...ok("Run"), ...errors(401, 404, 409) } } },
      "/runs/{id}/retry": { post: { ...secured, parameters: [idParam], responses: { ...ok("Run", "202", "Started again"), ...errors(401, 404, 409) } } },
      "/episodes/{id}": {
        get: { ...secured, summary: "An episode, with `processing` (its newest processing or null)", parameters: [idParam], responses: { ...ok("Episode"), ...errors(401, 404) } },
        patch: { ...secured, parameters: [idParam], requestBody: body("EpisodeUpdate"), responses: { ...ok("Episode"), ...errors(400, 401, 404, 409, 415, 422) } },
        delete: { ...secured, parameters: [idParam], responses: { ...noContent, ...errors(401, 404) } },
      },
    },
  });
}

/**
 * Everything under a podcast or an episode is shared by its team (lib/data/access.ts): a member
 * whose role is too low gets 403 where anyone else gets 404, so each such operation lists both.
 */
function withRoleErrors<D extends { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> }>(doc: D): D {
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!/^\/(podcasts|episodes)\/\{id\}/.test(path)) continue;
    for (const op of Object.values(ops)) {
      if (op.responses?.["404"] && !op.responses["403"]) op.responses["403"] = { description: "Your role on the show does not allow this", content: { "application/json": { schema: ref("Error") } } };
    }
  }
  return doc;
}
