import { zValidator } from '@hono/zod-validator'
import type { ZodType } from 'zod'
import { validationError } from '../errors.ts'
import { tagValidator } from '../openapi/describe.ts'

// zod-validated inputs that fail become 400 validation_failed with the issues as details.
// Each validator remembers its schema so the OpenAPI document (api/src/openapi) is generated from the same objects.
export const validateJson = <T extends ZodType>(schema: T) =>
  tagValidator(
    zValidator('json', schema, (result) => {
      if (!result.success) throw validationError(result.error)
    }),
    'json',
    schema,
  )

export const validateQuery = <T extends ZodType>(schema: T) =>
  tagValidator(
    zValidator('query', schema, (result) => {
      if (!result.success) throw validationError(result.error)
    }),
    'query',
    schema,
  )

export const validateParams = <T extends ZodType>(schema: T) =>
  tagValidator(
    zValidator('param', schema, (result) => {
      if (!result.success) throw validationError(result.error)
    }),
    'param',
    schema,
  )
