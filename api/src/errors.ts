import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ZodError } from 'zod'

/** A known failure with a stable lower_snake code; the one error body is built in onError. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown[],
  ) {
    super(message)
  }
}

export const notFound = (what: string) =>
  new AppError(404, `${what}_not_found`, `No ${what.replaceAll('_', ' ')} with that id (or you may not see it).`)

export type ErrorBody = { error: { code: string; message: string; details?: unknown[] } }

export function errorBody(code: string, message: string, details?: unknown[]): ErrorBody {
  return { error: details ? { code, message, details } : { code, message } }
}

type IssueList = { issues: readonly { path: readonly PropertyKey[]; message: string }[] }

export function validationError(error: IssueList): AppError {
  const details = error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
  const first = details[0]
  const message = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'Invalid request'
  return new AppError(400, 'validation_failed', message, details)
}

// Postgres errors that bad input can still provoke despite validation are client errors.
const pgClientErrors: Record<string, [ContentfulStatusCode, string, string]> = {
  '22P02': [400, 'invalid_value', 'A value has the wrong format.'],
  '22021': [400, 'invalid_value', 'Text contains bytes that are not valid UTF-8.'],
  '22003': [400, 'invalid_value', 'A number is out of range.'],
  '22001': [400, 'invalid_value', 'A value is too long.'],
  '23505': [409, 'conflict', 'A record with the same unique value already exists.'],
  '23503': [400, 'invalid_reference', 'A referenced record does not exist.'],
}

export function handleError(error: Error, c: Context) {
  if (error instanceof AppError) return c.json(errorBody(error.code, error.message, error.details), error.status)
  if (error instanceof ZodError) {
    const appError = validationError(error)
    return c.json(errorBody(appError.code, appError.message, appError.details), 400)
  }
  const pgCode = (error as { code?: unknown }).code
  const known = typeof pgCode === 'string' ? pgClientErrors[pgCode] : undefined
  if (known) return c.json(errorBody(known[1], known[2]), known[0])
  // Hono's own HTTP errors (e.g. body limit) carry a status.
  const status = (error as { status?: unknown }).status
  if (status === 400 && /malformed json/i.test(error.message)) {
    return c.json(errorBody('invalid_json', 'The request body is not valid JSON.'), 400)
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return c.json(errorBody('bad_request', error.message || 'Bad request'), status as ContentfulStatusCode)
  }
  console.error('unhandled error', c.req.method, c.req.path, error)
  return c.json(errorBody('internal', 'Something went wrong on our side. The error has been logged.'), 500)
}
