-- Mado schema, version 3: what the window engine needs to run, resume and prune its history.

-- The run's plan (window settings and tasks at the start, JSON) and a requested cancel.
ALTER TABLE window_executions ADD COLUMN plan TEXT;
ALTER TABLE window_executions ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
CREATE INDEX window_executions_by_status ON window_executions (status);
CREATE INDEX window_executions_by_end ON window_executions (ended_at);

-- The task's cutoff behaviour, the nodes it resolved to (JSON), and whether it ended in the window.
ALTER TABLE task_executions ADD COLUMN cutoff_behavior TEXT;
ALTER TABLE task_executions ADD COLUMN run_targets TEXT;
ALTER TABLE task_executions ADD COLUMN ended_inside_window INTEGER;

ALTER TABLE task_invocations ADD COLUMN instance_id TEXT;
CREATE INDEX task_invocations_by_window_execution ON task_invocations (window_execution_id);
CREATE INDEX task_invocations_by_command ON task_invocations (execution_id);

