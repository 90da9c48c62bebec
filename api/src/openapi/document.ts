import { z } from 'zod'
import { descriptionOf, type RouteDescription, type ValidatorTarget, validatorOf } from './describe.ts'
import { describedElsewhere } from './operations.ts'

/** What Hono keeps per registered handler (`app.routes`). */
export type RegisteredRoute = { method: string; path: string; handler: unknown }

type JsonSchema = Record<string, unknown>

export type Operation = {
  key: string
  method: string
  path: string
  description: RouteDescription | undefined
  validators: { target: ValidatorTarget; schema: z.ZodType }[]
}

/** `/customers/:id` → `/customers/{id}`; a Hono regex constraint (`:file{[0-9]+\.geojson}`) is dropped. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}')
}

/** Every method + path of the app (middleware-only `use()` entries are not operations), with what describes it. */
export function collectOperations(routes: readonly RegisteredRoute[]): Operation[] {
  const byKey = new Map<string, Operation>()
  for (const route of routes) {
    if (route.method === 'ALL') continue
    const path = openApiPath(route.path)
    const key = `${route.method} ${path}`
    let operation = byKey.get(key)
    if (!operation) {
      operation = { key, method: route.method, path, description: describedElsewhere[key], validators: [] }
      byKey.set(key, operation)
    }
    const description = descriptionOf(route.handler)
    if (description) operation.description = description
    const validator = validatorOf(route.handler)
    if (validator) operation.validators.push(validator)
  }
  return [...byKey.values()]
}

/** Operations nobody has described yet (`describeRoute` or operations.ts); the coverage test names them. */
export function undocumentedOperations(routes: readonly RegisteredRoute[]): string[] {
  return collectOperations(routes)
    .filter((operation) => !operation.description)
    .map((operation) => operation.key)
}

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of what a client sends, i.e. the schema's input side. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema
  delete json.$schema
  return json
}

function parametersOf(operation: Operation): JsonSchema[] {
  const parameters: JsonSchema[] = []
  const pathNames = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '')
  const paramValidator = operation.validators.find((v) => v.target === 'param')
  const paramSchema = paramValidator ? jsonSchemaOf(paramValidator.schema) : undefined
  const paramProps = (paramSchema?.properties ?? {}) as Record<string, JsonSchema>
  for (const name of pathNames) {
    parameters.push({ name, in: 'path', required: true, schema: paramProps[name] ?? { type: 'string' } })
  }
  const queryValidator = operation.validators.find((v) => v.target === 'query')
  if (queryValidator) {
    const schema = jsonSchemaOf(queryValidator.schema)
    const required = new Set((schema.required ?? []) as string[])
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
      const { description, ...rest } = property
      parameters.push({
        name,
        in: 'query',
        required: required.has(name),
        ...(description ? { description } : {}),
        schema: rest,
      })
    }
  }
  return parameters
}

const statusText: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No content' }

function operationObject(operation: Operation): JsonSchema {
  const d = operation.description
  const auth = d?.auth ?? 'session'
  const status = d?.status ?? 200
  const success: JsonSchema = { description: statusText[status] ?? 'Success' }
  if (status !== 204) {
    const content: Record<string, JsonSchema> = {}
    for (const type of d?.produces ?? ['application/json']) {
      content[type] = type.endsWith('json') && d?.response ? { schema: jsonSchemaOf(d.response, 'output') } : {}
    }
    success.content = content
  }
  const responses: Record<string, unknown> = { [String(status)]: success }
  if (operation.validators.length > 0) responses['400'] = { $ref: '#/components/responses/BadRequest' }
  if (auth !== 'public') {
    responses['401'] = { $ref: '#/components/responses/Unauthenticated' }
    responses['403'] = { $ref: '#/components/responses/Forbidden' }
  }
  if (operation.path.includes('{')) responses['404'] = { $ref: '#/components/responses/NotFound' }
  responses['500'] = { $ref: '#/components/responses/Internal' }

  const body = operation.validators.find((v) => v.target === 'json')
  const object: JsonSchema = {
    operationId: operationId(operation),
    summary: d?.summary ?? `${operation.method} ${operation.path}`,
    tags: d?.tags ?? ['undocumented'],
    parameters: parametersOf(operation),
    responses,
    security:
      auth === 'public'
        ? []
        : auth === 'token'
          ? [{ sessionCookie: [] }, { bearerToken: [] }, { queryToken: [] }]
          : [{ sessionCookie: [] }],
  }
  if (d?.description) object.description = d.description
  if (body) {
    object.requestBody = { required: true, content: { 'application/json': { schema: jsonSchemaOf(body.schema) } } }
  }
  return object
}

function operationId(operation: Operation): string {
  const words = operation.path
    .replace(/^\/api\//, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
  return [operation.method.toLowerCase(), ...words.map((w) => w[0]?.toUpperCase() + w.slice(1))].join('')
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
})

/** The OpenAPI 3.1 document of every route registered on the app. */
export function buildOpenApiDocument(routes: readonly RegisteredRoute[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {}
  const operations = collectOperations(routes)
  for (const operation of operations) {
    paths[operation.path] ??= {}
    const item = paths[operation.path]
    if (item) item[operation.method.toLowerCase()] = operationObject(operation)
  }
  const tags = [...new Set(operations.flatMap((o) => o.description?.tags ?? ['undocumented']))].sort()
  return {
    openapi: '3.1.0',
    info: {
      title: 'Meridian API',
      version,
      description:
        'Map-centric CRM. Sign in with `POST /api/auth/login` (session cookie), or create a personal API token ' +
        '(`POST /api/tokens`) for desktop GIS and scripts. Every error has the body `{ "error": { "code", "message", "details"? } }`.',
    },
    servers: [{ url: '/' }],
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', description: 'Stable lower_snake code, e.g. validation_failed' },
                message: { type: 'string' },
                details: { type: 'array', items: {} },
              },
            },
          },
        },
      },
      responses: {
        BadRequest: errorResponse('validation_failed or another input error'),
        Unauthenticated: errorResponse('unauthenticated or invalid_token'),
        Forbidden: errorResponse('forbidden: the role may not do this'),
        NotFound: errorResponse('Not found, or not visible to this user'),
        Internal: errorResponse('internal: logged on the server'),
      },
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'meridian_session' },
        bearerToken: { type: 'http', scheme: 'bearer', description: 'A personal API token (`POST /api/tokens`)' },
        queryToken: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description: 'The same token, for tools without headers',
        },
      },
    },
  }
}
