CREATE TABLE "job_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"step_hashed_id" text,
	"attempt" integer NOT NULL,
	"outcome" text NOT NULL,
	"error" jsonb,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_events" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"data" jsonb NOT NULL,
	"user_id" text,
	"dedupe_key" text,
	"ts" timestamp with time zone NOT NULL,
	"routed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "job_events_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "job_queue" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"kind" text NOT NULL,
	"step_id" text,
	"attempt" integer NOT NULL,
	"run_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"lease_token" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"function_id" text NOT NULL,
	"event_id" text NOT NULL,
	"user_id" text,
	"status" text NOT NULL,
	"output" jsonb,
	"error" jsonb,
	"disable_immediate" boolean NOT NULL,
	"step_count" integer NOT NULL,
	"parent_run_id" text,
	"parent_step_id" text,
	"concurrency_key1" text,
	"concurrency_limit1" integer,
	"concurrency_key2" text,
	"concurrency_limit2" integer,
	"created_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_steps" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"hashed_id" text NOT NULL,
	"name" text NOT NULL,
	"op" text NOT NULL,
	"status" text NOT NULL,
	"seq" integer,
	"result" jsonb,
	"attempts" integer NOT NULL,
	"wake_at" timestamp with time zone,
	"child_run_id" text,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "job_attempts" ADD CONSTRAINT "job_attempts_run_id_job_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."job_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_queue" ADD CONSTRAINT "job_queue_run_id_job_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."job_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_runs" ADD CONSTRAINT "job_runs_event_id_job_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."job_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_steps" ADD CONSTRAINT "job_steps_run_id_job_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."job_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_attempts_run_idx" ON "job_attempts" USING btree ("run_id","started_at");--> statement-breakpoint
CREATE INDEX "job_events_routed_idx" ON "job_events" USING btree ("routed_at","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "job_queue_run_kind_step_uq" ON "job_queue" USING btree ("run_id","kind","step_id");--> statement-breakpoint
CREATE INDEX "job_queue_due_idx" ON "job_queue" USING btree ("run_at");--> statement-breakpoint
CREATE INDEX "job_runs_user_created_idx" ON "job_runs" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "job_runs_function_status_idx" ON "job_runs" USING btree ("function_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "job_steps_run_hashed_uq" ON "job_steps" USING btree ("run_id","hashed_id");