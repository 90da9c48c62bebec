import { type Kysely, sql } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { CreateInteractionInput, InteractionChannel } from './schema.ts'

export type Interaction = {
  id: number
  channel: InteractionChannel
  direction: 'inbound' | 'outbound'
  occurredAt: Date
  subject: string
  notes: string | null
  outcome: string | null
  userId: number | null
  userName: string | null
  contactId: number | null
}

const interactionColumns = sql`
  i.id, i.channel, i.direction, i.occurred_at AS "occurredAt", i.subject, i.notes, i.outcome,
  i.user_id AS "userId", u.name AS "userName", i.contact_id AS "contactId"`

/** Contact history, newest first. */
export async function listInteractionsOfCustomer(
  db: Kysely<Database>,
  customerId: number,
  limit = 200,
): Promise<Interaction[]> {
  const { rows } = await sql<Interaction>`
    SELECT ${interactionColumns}
    FROM interaction i LEFT JOIN app_user u ON u.id = i.user_id
    WHERE i.customer_id = ${customerId}
    ORDER BY i.occurred_at DESC, i.id DESC
    LIMIT ${limit}`.execute(db)
  return rows
}

export async function contactBelongsToCustomer(
  db: Kysely<Database>,
  contactId: number,
  customerId: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('contact')
    .select('id')
    .where('id', '=', contactId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst()
  return row !== undefined
}

export async function insertInteraction(
  db: Kysely<Database>,
  customerId: number,
  userId: number,
  input: CreateInteractionInput,
): Promise<Interaction> {
  const { rows } = await sql<Interaction>`
    WITH i AS (
      INSERT INTO interaction (customer_id, contact_id, user_id, channel, direction, occurred_at, subject, notes, outcome)
      VALUES (${customerId}, ${input.contactId ?? null}, ${userId}, ${input.channel}, ${input.direction},
              coalesce(${input.occurredAt ?? null}::timestamptz, now()), ${input.subject}, ${input.notes ?? null}, ${input.outcome ?? null})
      RETURNING *)
    SELECT ${interactionColumns} FROM i LEFT JOIN app_user u ON u.id = i.user_id`.execute(db)
  const row = rows[0]
  if (!row) throw new Error('insert returned no row')
  return row
}
