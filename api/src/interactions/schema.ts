import { z } from 'zod'
import { safeText } from '../lib/zod-helpers.ts'

export const interactionChannels = ['call', 'email', 'visit', 'meeting', 'note'] as const
export type InteractionChannel = (typeof interactionChannels)[number]

export const createInteractionSchema = z
  .object({
    channel: z.enum(interactionChannels),
    direction: z.enum(['inbound', 'outbound']),
    subject: safeText(200).trim().min(1, 'subject is required'),
    notes: safeText(10_000).trim().nullish(),
    outcome: safeText(80).trim().nullish(),
    occurredAt: z.iso.datetime({ offset: true }).optional(),
    contactId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullish(),
  })
  .strict()
export type CreateInteractionInput = z.infer<typeof createInteractionSchema>
