CREATE TABLE "secure"."job_control" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "secure"."job_control_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"job_id" text NOT NULL,
	"runner_id" text NOT NULL,
	"action" text NOT NULL,
	"text" text,
	"created_at" double precision NOT NULL,
	"acked_at" double precision
);
--> statement-breakpoint
ALTER TABLE "secure"."job_control" ADD CONSTRAINT "job_control_job_id_job_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."job"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_control_pending_idx" ON "secure"."job_control" USING btree ("runner_id","seq") WHERE acked_at IS NULL;--> statement-breakpoint
CREATE INDEX "job_control_job_idx" ON "secure"."job_control" USING btree ("job_id");