/**
 * Mado's domain, in SSM's words.
 *
 * - MaintenanceWindow (`mw-…`): when work may start: a schedule (cron / rate / at) in a time zone,
 *   a Duration in hours and a Cutoff (hours before the end after which no new task starts).
 * - WindowTarget: a reusable node selector registered with a window (instance ids, tags, resource group).
 * - WindowTask: what runs: a command document (TaskArn), Priority (lower first, equal in parallel),
 *   targets, rate control (MaxConcurrency, MaxErrors) and CutoffBehavior.
 * - WindowExecution → WindowExecutionTask (a task execution) → WindowExecutionTaskInvocation
 *   (one per node): the history of one run of a window.
 * - ManagedInstance (`mi-…`): a node running `mado agent`.
 * - Command / CommandInvocation: Run Command's request and its per-node result.
 *
 * Domain code is pure: no I/O, no clock reads; times come in as arguments (epoch milliseconds
 * in fields ending in `At`, Dates where a calendar is involved).
 */
export {};
