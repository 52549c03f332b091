/**
 * Messages between the supervisor (`agent run`) and its worker over the worker's IPC channel.
 * After a self-update the supervisor (still the code that was started) talks to a worker of
 * another version, so the messages are few, versioned (`mado: 1`) and validated, and each side
 * ignores what it does not understand.
 *
 *   worker     → connected {version}          on every welcome from the server
 *   supervisor → update-confirmed {version}   the worker on trial is now the installed release
 */
import { z } from 'zod';

const WorkerMessageSchema = z.discriminatedUnion('type', [
  z.object({ mado: z.literal(1), type: z.literal('connected'), version: z.string().max(64) }),
]);
export type WorkerMessage = z.infer<typeof WorkerMessageSchema>;

const SupervisorMessageSchema = z.discriminatedUnion('type', [
  z.object({ mado: z.literal(1), type: z.literal('update-confirmed'), version: z.string().max(64) }),
]);
export type SupervisorMessage = z.infer<typeof SupervisorMessageSchema>;

/** A message from the worker, or undefined when it is not one this supervisor knows. */
export function parseWorkerMessage(value: unknown): WorkerMessage | undefined {
  const parsed = WorkerMessageSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** A message from the supervisor, or undefined when it is not one this worker knows. */
export function parseSupervisorMessage(value: unknown): SupervisorMessage | undefined {
  const parsed = SupervisorMessageSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
