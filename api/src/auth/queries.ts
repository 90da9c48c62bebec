import type { Kysely } from 'kysely'
import type { CurrentUser } from '../context.ts'
import type { Database } from '../db/schema.ts'

export async function findUserById(db: Kysely<Database>, id: number): Promise<CurrentUser | undefined> {
  return db.selectFrom('app_user').select(['id', 'name', 'email', 'role']).where('id', '=', id).executeTakeFirst()
}

export async function findUserByEmail(db: Kysely<Database>, email: string) {
  return db
    .selectFrom('app_user')
    .select(['id', 'name', 'email', 'role', 'password_hash'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst()
}
