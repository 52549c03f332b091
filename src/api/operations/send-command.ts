import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { commandWire } from '../wire/command-wire.js';
import * as S from '../wire/shapes.js';

export const sendCommand = defineOperation({
  name: 'SendCommand',
  access: 'write',
  input: z.object({
    InstanceIds: S.list(S.InstanceId, { max: 50 }).optional(),
    Targets: S.Targets.optional(),
    DocumentName: S.DocumentARN,
    DocumentVersion: S.DocumentVersion.optional(),
    DocumentHash: S.DocumentHash.optional(),
    DocumentHashType: S.DocumentHashType.optional(),
    TimeoutSeconds: S.TimeoutSeconds.optional(),
    Comment: S.Comment.optional(),
    Parameters: z.record(z.string(), S.list(z.string())).optional(),
    // Deprecated: accepted and ignored (spec §7.2).
    OutputS3Region: S.S3Region.optional(),
    OutputS3BucketName: S.S3BucketName.optional(),
    OutputS3KeyPrefix: S.S3KeyPrefix.optional(),
    MaxConcurrency: S.MaxConcurrency.optional(),
    MaxErrors: S.MaxErrors.optional(),
    ServiceRoleArn: S.ServiceRole.optional(),
    NotificationConfig: S.NotificationConfig.optional(),
    CloudWatchOutputConfig: S.CloudWatchOutputConfig.optional(),
    AlarmConfiguration: S.AlarmConfiguration.optional(),
  }),
  async handle(input, ctx) {
    const command = await ctx.services.commands.send({
      documentName: input.DocumentName,
      documentVersion: input.DocumentVersion,
      documentHash: input.DocumentHash,
      documentHashType: input.DocumentHashType,
      instanceIds: input.InstanceIds,
      targets: input.Targets,
      parameters: input.Parameters,
      timeoutSeconds: input.TimeoutSeconds,
      comment: input.Comment,
      maxConcurrency: input.MaxConcurrency,
      maxErrors: input.MaxErrors,
      outputS3BucketName: input.OutputS3BucketName,
      outputS3KeyPrefix: input.OutputS3KeyPrefix,
      serviceRoleArn: input.ServiceRoleArn,
      notificationConfig: input.NotificationConfig,
      cloudWatchOutputConfig: input.CloudWatchOutputConfig,
      alarmConfiguration: input.AlarmConfiguration,
    });
    return { Command: commandWire(command, ctx.region) };
  },
});
