import { Validator } from '@seriousme/openapi-schema-validator'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../api/src/app.ts'
import { customerStatuses } from '../../api/src/customers/schema.ts'
import { createTokenSchema } from '../../api/src/ogc/token-schema.ts'
import { jsonSchemaOf, openApiPath, undocumentedOperations } from '../../api/src/openapi/document.ts'
import { useTestApp } from '../support/app.ts'

const ctx = useTestApp()

type Doc = {
  openapi: string
  paths: Record<string, Record<string, Record<string, unknown>>>
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> }
}

async function fetchDocument(): Promise<Doc> {
  const res = await ctx.app.request('/api/openapi.json')
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  return JSON.parse(await res.text()) as Doc
}

// The same routes as the app under test (the route table does not depend on the database).
const registered = createApp({} as never).routes.filter((r) => r.method !== 'ALL')

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document with components, served without signing in', async () => {
    const doc = await fetchDocument()
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.components.schemas)).toContain('Error')
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearerToken', 'queryToken', 'sessionCookie'])
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
  })

  it('lists every route registered on the app', async () => {
    const doc = await fetchDocument()
    expect(registered.length).toBeGreaterThan(40)
    const missing = registered
      .map((r) => `${r.method} ${openApiPath(r.path)}`)
      .filter((key) => {
        const [method = '', path = ''] = key.split(' ')
        return !doc.paths[path]?.[method.toLowerCase()]
      })
    expect(missing).toEqual([])
    for (const key of [
      'get /api/health',
      'post /api/auth/login',
      'get /api/customers',
      'post /api/customers/{id}/interactions',
      'get /api/customers/{id}/owner-history',
      'get /api/regions',
      'get /api/density',
      'get /api/tiles/customers/{z}/{x}/{y}',
      'post /api/territories/balance',
      'post /api/routes/optimize',
      'get /api/exports/{resource}',
      'get /api/ogc/collections/{collectionId}/items',
    ]) {
      const [method = '', path = ''] = key.split(' ')
      expect(doc.paths[path]?.[method], key).toBeDefined()
    }
  })

  it('describes every route (add describeRoute({...}) in its routes.ts; the names below are missing)', () => {
    expect(undocumentedOperations(createApp({} as never).routes)).toEqual([])
  })

  it('takes request schemas from the validators the routes use, so the document and the API agree', async () => {
    const doc = await fetchDocument()
    const createToken = doc.paths['/api/tokens']?.post as {
      requestBody: { content: { 'application/json': { schema: unknown } } }
    }
    expect(createToken.requestBody.content['application/json'].schema).toEqual(jsonSchemaOf(createTokenSchema))
    const list = doc.paths['/api/customers']?.get as { parameters: { name: string; schema: Record<string, unknown> }[] }
    const status = list.parameters.find((p) => p.name === 'status')
    expect(status?.schema.enum).toEqual([...customerStatuses])
    const limit = list.parameters.find((p) => p.name === 'limit')
    expect(limit?.schema.maximum).toBe(500)
    // What the document forbids, the route refuses; what it allows, the route accepts.
    const over = await ctx.app.request('/api/customers?limit=501', { as: 'manager@meridian.test' })
    expect(over.status).toBe(400)
    const atMax = await ctx.app.request('/api/customers?limit=500', { as: 'manager@meridian.test' })
    expect(atMax.status).toBe(200)
    const items = doc.paths['/api/ogc/collections/{collectionId}/items']?.get as {
      parameters: { name: string; in: string }[]
      security: unknown[]
    }
    expect(items.parameters.map((p) => `${p.in}:${p.name}`).sort()).toEqual(
      [
        'path:collectionId',
        'query:after',
        'query:bbox',
        'query:f',
        'query:limit',
        'query:offset',
        'query:token',
      ].sort(),
    )
    expect(items.security).toContainEqual({ bearerToken: [] })
    const health = doc.paths['/api/health']?.get as { security: unknown[] } | undefined
    expect(health?.security).toEqual([])
  })
})

describe('GET /api/docs', () => {
  it('serves an interactive reference that loads nothing from another host', async () => {
    const res = await ctx.app.request('/api/docs')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<div id="reference">')
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//)
    const scripts = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '')
    expect(scripts).toContain('/api/docs/assets/swagger-ui-bundle.js')
    for (const asset of scripts) {
      const file = await ctx.app.request(asset)
      expect(file.status, asset).toBe(200)
      expect((await file.arrayBuffer()).byteLength, asset).toBeGreaterThan(100)
    }
    const bundle = await ctx.app.request('/api/docs/assets/swagger-ui-bundle.js')
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(await bundle.text()).toContain('SwaggerUIBundle')
    const init = await (await ctx.app.request('/api/docs/init.js')).text()
    expect(init).toContain("url: '/api/openapi.json'")
    expect((await ctx.app.request('/api/docs/assets/..%2Fpackage.json')).status).toBe(400)
  })
})
