CREATE TABLE "podcast_activity" (
	"id" text PRIMARY KEY NOT NULL,
	"podcast_id" text NOT NULL,
	"actor_id" text,
	"actor_name" text NOT NULL,
	"action" text NOT NULL,
	"target_title" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "podcast_invitations" (
	"id" text PRIMARY KEY NOT NULL,
	"podcast_id" text NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" text,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "podcast_invitations_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "podcast_members" (
	"id" text PRIMARY KEY NOT NULL,
	"podcast_id" text NOT NULL,
	"user_id" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "podcast_activity" ADD CONSTRAINT "podcast_activity_podcast_id_podcasts_id_fk" FOREIGN KEY ("podcast_id") REFERENCES "public"."podcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "podcast_activity" ADD CONSTRAINT "podcast_activity_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "podcast_invitations" ADD CONSTRAINT "podcast_invitations_podcast_id_podcasts_id_fk" FOREIGN KEY ("podcast_id") REFERENCES "public"."podcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "podcast_invitations" ADD CONSTRAINT "podcast_invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "podcast_members" ADD CONSTRAINT "podcast_members_podcast_id_podcasts_id_fk" FOREIGN KEY ("podcast_id") REFERENCES "public"."podcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "podcast_members" ADD CONSTRAINT "podcast_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "podcast_activity_podcast_created_idx" ON "podcast_activity" USING btree ("podcast_id","created_at");--> statement-breakpoint
CREATE INDEX "podcast_invitations_podcast_idx" ON "podcast_invitations" USING btree ("podcast_id");--> statement-breakpoint
CREATE UNIQUE INDEX "podcast_members_podcast_user_uq" ON "podcast_members" USING btree ("podcast_id","user_id");--> statement-breakpoint
CREATE INDEX "podcast_members_user_idx" ON "podcast_members" USING btree ("user_id");--> statement-breakpoint
-- Every existing podcast's owner becomes its member with role "owner" (a random UUID-shaped id).
INSERT INTO "podcast_members" ("id", "podcast_id", "user_id", "role", "created_at")
SELECT md5(random()::text || "id")::uuid::text, "id", "owner_id", 'owner', "created_at" FROM "podcasts";
