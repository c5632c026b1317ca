CREATE TABLE "performance_rollup_state" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"watermark_xid" bigint,
	"last_run_at" timestamp with time zone,
	"last_full_run_at" timestamp with time zone,
	"last_run_days" integer DEFAULT 0 NOT NULL,
	"last_run_ms" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "ck_performance_rollup_state_single_row" CHECK ("performance_rollup_state"."id" = 1)
);
--> statement-breakpoint
DROP INDEX "idx_trading_signals_updated_at";--> statement-breakpoint
ALTER TABLE "trading_signals" ADD COLUMN "change_xid" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_trading_signals_change_xid" ON "trading_signals" USING btree ("change_xid");