import { Hono } from 'hono'
import { stream, streamSSE } from 'hono/streaming'
import type { AppEnv } from '../context.ts'
import { notFound } from '../errors.ts'
import { csvLine } from '../lib/csv-write.ts'
import { validateJson, validateParams, validateQuery } from '../lib/validate.ts'
import { targetFields } from './fields.ts'
import { findJob, type ImportJob, listJobs, listRowErrors } from './queries.ts'
import { importIdParam, listImportsQuery, startImportSchema, uploadQuery } from './schema.ts'
import { jobOwnerScope, previewJob, receiveUpload, startImport } from './service.ts'

const terminal = new Set(['done', 'failed', 'interrupted'])

/** The job as the API shows it: no server file path. */
function publicJob(job: ImportJob) {
  const { filePath: _filePath, ...rest } = job
  return { ...rest, finished: terminal.has(job.status) }
}

async function jobOr404(c: { var: AppEnv['Variables'] }, id: number) {
  const job = await findJob(c.var.deps.db.kysely, id, jobOwnerScope(c.var.user))
  if (!job) throw notFound('import')
  return job
}

export const importRoutes = new Hono<AppEnv>()
  .get('/fields', (c) => c.json({ fields: targetFields }, 200))
  .get('/', validateQuery(listImportsQuery), async (c) => {
    const jobs = await listJobs(c.var.deps.db.kysely, jobOwnerScope(c.var.user), c.req.valid('query').limit)
    return c.json({ items: jobs.map((job) => ({ ...publicJob(job), userName: job.userName })) }, 200)
  })
  // The body is the CSV file itself (any content type), streamed to disk; app.ts exempts it from the JSON body limit.
  .post('/', validateQuery(uploadQuery), async (c) => {
    const { job, preview } = await receiveUpload(
      c.var.deps.db.kysely,
      c.var.user,
      c.req.valid('query').filename,
      c.req.raw.body,
    )
    return c.json({ job: publicJob(job), preview }, 201)
  })
  .get('/:id', validateParams(importIdParam), async (c) =>
    c.json({ job: publicJob(await jobOr404(c, c.req.valid('param').id)) }, 200),
  )
  .get('/:id/preview', validateParams(importIdParam), async (c) => {
    const job = await jobOr404(c, c.req.valid('param').id)
    return c.json({ job: publicJob(job), preview: await previewJob(c.var.deps.db.kysely, job) }, 200)
  })
  .post('/:id/start', validateParams(importIdParam), validateJson(startImportSchema), async (c) => {
    const job = await startImport(c.var.deps.db, c.var.user, c.req.valid('param').id, c.req.valid('json'))
    return c.json({ job: publicJob(job) }, 202)
  })
  // Server-sent events read from the job row, so a reload or another API instance can follow the same import.
  .get('/:id/events', validateParams(importIdParam), async (c) => {
    const id = c.req.valid('param').id
    await jobOr404(c, id)
    const db = c.var.deps.db.kysely
    const scope = jobOwnerScope(c.var.user)
    return streamSSE(c, async (sse) => {
      let last = ''
      let aborted = false
      sse.onAbort(() => {
        aborted = true
      })
      for (let tick = 0; !aborted; tick++) {
        const job = await findJob(db, id, scope)
        if (!job) break
        const body = JSON.stringify(publicJob(job))
        if (body !== last) {
          await sse.writeSSE({ event: 'progress', data: body, id: String(tick) })
          last = body
        } else if (tick % 30 === 0) {
          await sse.writeSSE({ event: 'ping', data: '{}' })
        }
        if (terminal.has(job.status)) break
        await sse.sleep(400)
      }
    })
  })
  // Rejected rows as CSV: line number, field, reason and the original row, ready to fix and upload again.
  .get('/:id/errors.csv', validateParams(importIdParam), async (c) => {
    const job = await jobOr404(c, c.req.valid('param').id)
    const db = c.var.deps.db.kysely
    c.header('content-type', 'text/csv; charset=utf-8')
    c.header('content-disposition', `attachment; filename="import-${job.id}-errors.csv"`)
    return stream(c, async (out) => {
      await out.write(csvLine(['line', 'field', 'code', 'reason', 'row']))
      let after = 0
      for (;;) {
        const rows = await listRowErrors(db, job.id, after, 5000)
        if (rows.length === 0) break
        await out.write(rows.map((r) => csvLine([r.line, r.field, r.code, r.message, r.raw])).join(''))
        after = rows[rows.length - 1]?.line ?? after
      }
    })
  })
