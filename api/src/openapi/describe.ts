import type { MiddlewareHandler } from 'hono'
import type { ZodType } from 'zod'

/**
 * What the OpenAPI document says about one route beyond its validators. Put `describeRoute({...})` first in a
 * route's handler list; it does nothing at request time. The validators (`validateJson`, `validateQuery`,
 * `validateParams` in lib/validate.ts) are found by the generator on their own, so request schemas are always
 * the very objects the route validates with.
 */
export type RouteDescription = {
  summary: string
  description?: string
  tags: string[]
  /** zod schema of the success body (JSON), when there is one. */
  response?: ZodType
  /** Success status; default 200. */
  status?: number
  /** Success media types when the body is not JSON, e.g. `['text/csv', 'application/geo+json']`. */
  produces?: string[]
  /**
   * Who may call: `public` (anyone), `session` (signed-in cookie; the default) or `token` (a personal API token
   * as `Authorization: Bearer` or `?token=`, or the session cookie).
   */
  auth?: 'public' | 'session' | 'token'
}

export type ValidatorTarget = 'json' | 'query' | 'param'

const descriptionKey = Symbol.for('meridian.openapi.description')
const validatorKey = Symbol.for('meridian.openapi.validator')

type Tagged = { [descriptionKey]?: RouteDescription; [validatorKey]?: { target: ValidatorTarget; schema: ZodType } }

export function describeRoute(description: RouteDescription): MiddlewareHandler {
  const middleware: MiddlewareHandler = async (_c, next) => {
    await next()
  }
  return Object.assign(middleware, { [descriptionKey]: description })
}

/** Called by lib/validate.ts: remembers which schema a validator middleware checks, for the generator. */
export function tagValidator<T extends object>(middleware: T, target: ValidatorTarget, schema: ZodType): T {
  return Object.assign(middleware, { [validatorKey]: { target, schema } })
}

// Hono wraps a sub-app's handler when the sub-app has its own error handler and keeps the original here.
const composedHandlerKey = '__COMPOSED_HANDLER'

function unwrap(handler: unknown): Tagged {
  const inner = (handler as Record<string, unknown>)[composedHandlerKey]
  return (inner ?? handler) as Tagged
}

export function descriptionOf(handler: unknown): RouteDescription | undefined {
  return unwrap(handler)[descriptionKey]
}

export function validatorOf(handler: unknown): { target: ValidatorTarget; schema: ZodType } | undefined {
  return unwrap(handler)[validatorKey]
}
