import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../context.ts'
import { notFound } from '../errors.ts'
import { validateParams } from '../lib/validate.ts'
import { describeRoute } from './describe.ts'
import { buildOpenApiDocument, type RegisteredRoute } from './document.ts'

// The reference page is Swagger UI from npm (swagger-ui-dist), served from node_modules: no CDN, works offline.
const swaggerDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
}

const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Meridian API reference</title>
  <link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
  <style>body { margin: 0; } .swagger-ui .topbar { display: none; }</style>
</head>
<body>
  <div id="reference"></div>
  <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
`

const initScript = `window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  withCredentials: true,
  persistAuthorization: true,
  tryItOutEnabled: false,
  tagsSorter: 'alpha',
});
`

const assetParam = z.object({ file: z.enum(Object.keys(assets) as [string, ...string[]]) })

/**
 * `/api/openapi.json` and the interactive reference at `/api/docs`, both public. The document is built once per
 * app from its registered routes (`routes()` is read on the first request, when every route exists).
 */
export function openApiRoutes(routes: () => readonly RegisteredRoute[], version: string) {
  let document: string | undefined
  return new Hono<AppEnv>()
    .get(
      '/openapi.json',
      describeRoute({ tags: ['system'], summary: 'This OpenAPI 3.1 document', auth: 'public' }),
      (c) => {
        document ??= JSON.stringify(buildOpenApiDocument(routes(), version))
        return c.body(document, 200, { 'Content-Type': 'application/json; charset=utf-8' })
      },
    )
    .get(
      '/docs',
      describeRoute({
        tags: ['system'],
        summary: 'Interactive API reference (Swagger UI, served locally)',
        auth: 'public',
        produces: ['text/html'],
      }),
      (c) => c.html(docsPage),
    )
    .get(
      '/docs/init.js',
      describeRoute({
        tags: ['system'],
        summary: 'Reference page script',
        auth: 'public',
        produces: ['text/javascript'],
      }),
      (c) => c.body(initScript, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }),
    )
    .get(
      '/docs/assets/:file',
      describeRoute({ tags: ['system'], summary: 'Reference page assets', auth: 'public', produces: ['*/*'] }),
      validateParams(assetParam),
      async (c) => {
        const { file } = c.req.valid('param')
        const type = assets[file]
        if (!type) throw notFound('asset')
        const body = await readFile(path.join(swaggerDir, file))
        return c.body(body, 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' })
      },
    )
}
